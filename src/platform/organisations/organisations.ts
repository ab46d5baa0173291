import type { Db, Executor } from '../db/database.ts';
import type { MapTiles, Translated } from '../db/schema.ts';

/** A city hosted by this installation. */
export interface Organisation {
  id: number;
  slug: string;
  name: Translated;
  hosts: string[];
  isDefault: boolean;
  languages: string[];
  defaultLanguage: string;
  timeZone: string;
  map: { lat: number; lng: number; zoom: number };
  branding: { primaryColor?: string; logoUrl?: string; tagline?: Translated };
  /**
   * The address residents use for this city, as the operator set it (`npm run admin -- city-url`); null:
   * PUBLIC_URL for the default city, the first host name for another (see `cityUrl`).
   */
  publicUrl: string | null;
  /** The city's own street map tiles (the installation's page); null: MAP_TILE_URL and its settings. */
  tiles: MapTiles | null;
}

type Row = {
  id: number;
  slug: string;
  name: Translated | string;
  hosts: string[];
  is_default: boolean;
  languages: string[];
  default_language: string;
  time_zone: string;
  map_center_lat: number;
  map_center_lng: number;
  map_zoom: number;
  branding: Organisation['branding'] | string;
  public_url: string | null;
  map_tiles: MapTiles | string | null;
};

function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function toOrganisation(row: Row): Organisation {
  return {
    id: row.id,
    slug: row.slug,
    name: parseJson(row.name),
    hosts: row.hosts,
    isDefault: row.is_default,
    languages: row.languages,
    defaultLanguage: row.default_language,
    timeZone: row.time_zone,
    map: { lat: row.map_center_lat, lng: row.map_center_lng, zoom: row.map_zoom },
    branding: parseJson(row.branding),
    publicUrl: row.public_url,
    tiles: row.map_tiles === null ? null : parseJson(row.map_tiles),
  };
}

export interface NewOrganisation {
  slug: string;
  name: Translated;
  hosts?: string[];
  isDefault?: boolean;
  languages: string[];
  defaultLanguage: string;
  timeZone?: string;
  map: { lat: number; lng: number; zoom?: number };
  branding?: Organisation['branding'];
  publicUrl?: string | null;
  tiles?: MapTiles | null;
}

/** Data access for organisations, with a short cache of the host lookup done on every request. */
export class OrganisationRepository {
  readonly #db: Db;
  readonly #byHost = new Map<string, { organisation: Organisation | undefined; until: number }>();
  static readonly CACHE_MS = 5000;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The organisation serving a host name, else the default one. */
  async findForHost(host: string): Promise<Organisation | undefined> {
    const hit = this.#byHost.get(host);
    if (hit && hit.until > Date.now()) return hit.organisation;
    const row = await this.#db
      .selectFrom('core_organisation')
      .selectAll()
      .where((eb) => eb.or([eb(eb.val(host), '=', eb.fn.any('hosts')), eb('is_default', '=', true)]))
      .orderBy('is_default', 'asc')
      .limit(1)
      .executeTakeFirst();
    const organisation = row ? toOrganisation(row) : undefined;
    this.#byHost.set(host, { organisation, until: Date.now() + OrganisationRepository.CACHE_MS });
    return organisation;
  }

  async findById(id: number): Promise<Organisation | undefined> {
    const row = await this.#db.selectFrom('core_organisation').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toOrganisation(row) : undefined;
  }

  async findBySlug(slug: string): Promise<Organisation | undefined> {
    const row = await this.#db.selectFrom('core_organisation').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row ? toOrganisation(row) : undefined;
  }

  async findAll(): Promise<Organisation[]> {
    const rows = await this.#db.selectFrom('core_organisation').selectAll().orderBy('id').execute();
    return rows.map((row) => toOrganisation(row));
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('core_organisation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async insert(values: NewOrganisation, executor: Executor = this.#db): Promise<Organisation> {
    const row = await executor
      .insertInto('core_organisation')
      .values({
        slug: values.slug,
        name: JSON.stringify(values.name),
        hosts: values.hosts ?? [],
        is_default: values.isDefault ?? false,
        languages: values.languages,
        default_language: values.defaultLanguage,
        time_zone: values.timeZone ?? 'Europe/Brussels',
        map_center_lat: values.map.lat,
        map_center_lng: values.map.lng,
        map_zoom: values.map.zoom ?? 13,
        branding: JSON.stringify(values.branding ?? {}),
        public_url: values.publicUrl ?? null,
        map_tiles: values.tiles ? JSON.stringify(values.tiles) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.#byHost.clear();
    return toOrganisation(row);
  }

  async update(
    id: number,
    values: Partial<Omit<NewOrganisation, 'slug'>>,
    executor: Executor = this.#db,
  ): Promise<Organisation> {
    const row = await executor
      .updateTable('core_organisation')
      .set({
        ...(values.name ? { name: JSON.stringify(values.name) } : {}),
        ...(values.hosts ? { hosts: values.hosts } : {}),
        ...(values.languages ? { languages: values.languages } : {}),
        ...(values.defaultLanguage ? { default_language: values.defaultLanguage } : {}),
        ...(values.timeZone ? { time_zone: values.timeZone } : {}),
        ...(values.map
          ? { map_center_lat: values.map.lat, map_center_lng: values.map.lng, map_zoom: values.map.zoom ?? 13 }
          : {}),
        ...(values.branding ? { branding: JSON.stringify(values.branding) } : {}),
        ...(values.publicUrl !== undefined ? { public_url: values.publicUrl } : {}),
        ...(values.tiles !== undefined ? { map_tiles: values.tiles ? JSON.stringify(values.tiles) : null } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.#byHost.clear();
    return toOrganisation(row);
  }
}
