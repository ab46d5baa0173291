import { recordAudit } from '../audit.ts';
import { inTransaction, type Db, type Tx } from '../db/database.ts';
import { isLanguage, LANGUAGE_CODES } from '../i18n/languages.ts';
import type { Organisation, OrganisationRepository } from './organisations.ts';
import { parseCityUrl } from './urls.ts';

/** What the operator's commands answer: done, or why not in plain words for the terminal. */
export type OperatorOutcome = { ok: true; organisation: Organisation } | { ok: false; problem: string };

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether another city already answers on this host name. */
function hostTaken(all: Organisation[], hostname: string, except?: number): Organisation | undefined {
  return all.find((other) => other.id !== except && other.hosts.includes(hostname));
}

/**
 * Sets the address residents use for a city (`npm run admin -- city-url`): links in its mails, feeds and
 * share cards point there, and its host name is added to the city's hosts so that requests to it reach
 * this city. Audited as a system action.
 */
export async function setCityUrl(
  db: Db,
  organisations: OrganisationRepository,
  organisation: Organisation,
  text: string,
  actorLabel: string,
): Promise<OperatorOutcome> {
  const parsed = parseCityUrl(text);
  if (!parsed.ok) return parsed;
  const taken = hostTaken(await organisations.findAll(), parsed.hostname, organisation.id);
  if (taken) return { ok: false, problem: `the host ${parsed.hostname} already belongs to the city ${taken.slug}` };
  const hosts = organisation.hosts.includes(parsed.hostname)
    ? organisation.hosts
    : [...organisation.hosts, parsed.hostname];
  const updated = await inTransaction(db, async (tx) => {
    const result = await organisations.update(organisation.id, { publicUrl: parsed.url, hosts }, tx);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: null, label: actorLabel },
      action: 'organisation.url',
      subjectType: 'organisation',
      subjectId: organisation.id,
      before: { publicUrl: organisation.publicUrl, hosts: organisation.hosts },
      after: { publicUrl: result.publicUrl, hosts: result.hosts },
    });
    return result;
  });
  return { ok: true, organisation: updated };
}

/** What `npm run city -- create` is given; only the name and a host name are needed. */
export interface NewCity {
  name: string;
  host: string;
  /** The address residents use (https://city.example); without it, the host with PUBLIC_URL's scheme and port. */
  url?: string | undefined;
  /** Interface languages, the first one the default; English when none are given. */
  languages?: readonly string[] | undefined;
  timeZone?: string | undefined;
  /** Derived from the name when absent. */
  slug?: string | undefined;
  center?: { lat: number; lng: number } | undefined;
}

/**
 * Work done in the same transaction once the city exists (importing its districts); a problem rolls back
 * everything, the city included.
 */
export type CitySetUp = (tx: Tx, organisation: Organisation) => Promise<{ ok: true } | { ok: false; problem: string }>;

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A slug from a city's name: "Reggio nell'Emilia" → reggio-nell-emilia. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Whether the runtime knows a time zone by this IANA name (Europe/Rome). */
export function isTimeZone(name: string): boolean {
  if (!name.includes('/') && name !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

class RolledBack extends Error {
  readonly problem: string;
  constructor(problem: string) {
    super(problem);
    this.problem = problem;
  }
}

/** A new city's arguments once checked: what is written. */
export interface CheckedCity {
  slug: string;
  name: string;
  hosts: string[];
  languages: string[];
  timeZone: string;
  publicUrl: string | null;
}

/**
 * Checks what a new city is given, without the database (the command line answers at once): a name, a slug
 * (made from the name when absent), a host name, known languages, an IANA time zone, an address.
 */
export function checkNewCity(input: NewCity): { ok: true; city: CheckedCity } | { ok: false; problem: string } {
  const name = input.name.trim();
  if (!name || name.length > 120) return { ok: false, problem: 'give the city a name of 1 to 120 characters' };
  const slug = (input.slug ?? slugFromName(name)).trim().toLowerCase();
  if (!SLUG.test(slug))
    return {
      ok: false,
      problem: input.slug
        ? `the slug must be lowercase letters, digits and dashes (got "${input.slug}")`
        : `no slug can be made from the name "${name}": give one with --slug`,
    };
  const host = input.host.trim().toLowerCase().replace(/\.$/, '');
  if (!HOST.test(host))
    return { ok: false, problem: `"${input.host}" is not a host name (such as participate.city.example)` };
  const languages = input.languages && input.languages.length > 0 ? [...input.languages] : ['en'];
  const unknown = languages.find((language) => !isLanguage(language));
  if (unknown !== undefined)
    return {
      ok: false,
      problem: `"${unknown}" is not a language of the platform (known: ${LANGUAGE_CODES.join(', ')})`,
    };
  if (new Set(languages).size !== languages.length) return { ok: false, problem: 'a language is given twice' };
  const timeZone = input.timeZone?.trim() || 'Europe/Brussels';
  if (!isTimeZone(timeZone))
    return { ok: false, problem: `"${timeZone}" is not a time zone (give an IANA name such as Europe/Rome)` };
  let publicUrl: string | null = null;
  const hosts = [host];
  if (input.url !== undefined) {
    const parsed = parseCityUrl(input.url);
    if (!parsed.ok) return parsed;
    publicUrl = parsed.url;
    if (!hosts.includes(parsed.hostname)) hosts.push(parsed.hostname);
  }
  return { ok: true, city: { slug, name, hosts, languages, timeZone, publicUrl } };
}

/**
 * Creates an empty city (`npm run city -- create`, `npm run admin -- add-city`): no demo content, served on
 * its own host name at its own address. Every argument is checked first and the problems are answered in
 * plain words; the city and what `setUp` adds (its districts) are written in one transaction, so a refusal
 * leaves nothing behind. Audited as a system action.
 */
export async function createCity(
  db: Db,
  organisations: OrganisationRepository,
  input: NewCity,
  actorLabel: string,
  setUp?: CitySetUp,
): Promise<OperatorOutcome> {
  const checked = checkNewCity(input);
  if (!checked.ok) return checked;
  const { slug, name, hosts, languages, timeZone, publicUrl } = checked.city;
  const all = await organisations.findAll();
  if (all.some((other) => other.slug === slug)) return { ok: false, problem: `there is already a city ${slug}` };
  for (const hostname of hosts) {
    const taken = hostTaken(all, hostname);
    if (taken) return { ok: false, problem: `the host ${hostname} already belongs to the city ${taken.slug}` };
  }
  const [defaultLanguage = 'en'] = languages;
  try {
    const organisation = await inTransaction(db, async (tx) => {
      const created = await organisations.insert(
        {
          slug,
          name: { [defaultLanguage]: name },
          hosts,
          // the first city of an installation set up without one answers hosts no city claims
          isDefault: all.length === 0,
          languages,
          defaultLanguage,
          timeZone,
          map: { lat: input.center?.lat ?? 50.85, lng: input.center?.lng ?? 4.35 },
          publicUrl,
        },
        tx,
      );
      await recordAudit(tx, {
        organisationId: created.id,
        actor: { id: null, label: actorLabel },
        action: 'organisation.create',
        subjectType: 'organisation',
        subjectId: created.id,
        after: { slug, name: created.name, publicUrl, hosts, languages, timeZone },
      });
      const done = setUp ? await setUp(tx, created) : { ok: true as const };
      if (!done.ok) throw new RolledBack(done.problem);
      return created;
    });
    return { ok: true, organisation };
  } catch (error) {
    if (error instanceof RolledBack) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** Adds a city to the installation (`npm run admin -- add-city`): `createCity` with the host of its address. */
export async function addCity(
  db: Db,
  organisations: OrganisationRepository,
  input: { slug: string; name: string; url: string; language: string; lat?: number; lng?: number },
  actorLabel: string,
): Promise<OperatorOutcome> {
  const parsed = parseCityUrl(input.url);
  if (!parsed.ok) return parsed;
  return createCity(
    db,
    organisations,
    {
      slug: input.slug,
      name: input.name,
      host: parsed.hostname,
      url: input.url,
      languages: [input.language],
      center: input.lat !== undefined && input.lng !== undefined ? { lat: input.lat, lng: input.lng } : undefined,
    },
    actorLabel,
  );
}
