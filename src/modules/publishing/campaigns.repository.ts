import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './publishing.schema.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface Campaign {
  id: number;
  slug: string;
  name: Translated;
  goal: Translated;
  startsOn: string | null;
  endsOn: string | null;
  hashtags: string[];
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

export interface CampaignValues {
  slug: string;
  name: Translated;
  goal: Translated;
  startsOn: string | null;
  endsOn: string | null;
  hashtags: string[];
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

type CampaignRow = {
  id: number;
  slug: string;
  name: Translated | string;
  goal: Translated | string;
  starts_on: string | Date | null;
  ends_on: string | Date | null;
  hashtags: string[];
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
};

/** A `date` column as YYYY-MM-DD, whichever way the driver returns it. */
function day(value: string | Date | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    slug: row.slug,
    name: json(row.name),
    goal: json(row.goal),
    startsOn: day(row.starts_on),
    endsOn: day(row.ends_on),
    hashtags: row.hashtags,
    utmSource: row.utm_source,
    utmMedium: row.utm_medium,
    utmCampaign: row.utm_campaign,
  };
}

export async function findCampaigns(db: Executor, organisationId: number): Promise<Campaign[]> {
  const rows = await db
    .selectFrom('publishing_campaign')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('starts_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toCampaign);
}

export async function findCampaign(db: Executor, organisationId: number, id: number): Promise<Campaign | undefined> {
  const row = await db
    .selectFrom('publishing_campaign')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toCampaign(row) : undefined;
}

function columns(values: CampaignValues) {
  return {
    slug: values.slug,
    name: JSON.stringify(values.name),
    goal: JSON.stringify(values.goal),
    starts_on: values.startsOn,
    ends_on: values.endsOn,
    hashtags: values.hashtags,
    utm_source: values.utmSource,
    utm_medium: values.utmMedium,
    utm_campaign: values.utmCampaign,
  };
}

/** Stores a campaign; undefined when its slug is taken. */
export async function saveCampaignRow(
  db: Executor,
  organisationId: number,
  id: number | undefined,
  values: CampaignValues,
): Promise<number | undefined> {
  const taken = await db
    .selectFrom('publishing_campaign')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('slug', '=', values.slug)
    .executeTakeFirst();
  if (taken && taken.id !== id) return undefined;
  if (id === undefined) {
    const row = await db
      .insertInto('publishing_campaign')
      .values({ organisation_id: organisationId, ...columns(values) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const row = await db
    .updateTable('publishing_campaign')
    .set(columns(values))
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
