import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { PeriodKind } from './insights.schema.ts';

export interface InsightsSettings {
  template: string;
  periodKind: PeriodKind;
  targets: Record<string, number>;
  /** Indicators shown on the public transparency page. */
  published: string[];
  publishIndex: boolean;
}

const DEFAULTS: InsightsSettings = {
  template: 'default',
  periodKind: 'month',
  targets: {},
  published: [],
  publishIndex: false,
};

export async function findInsightsSettings(db: Executor, organisationId: number): Promise<InsightsSettings> {
  const row = await db
    .selectFrom('insights_setting')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULTS, targets: {}, published: [] };
  const targets = typeof row.targets === 'string' ? (JSON.parse(row.targets) as Record<string, number>) : row.targets;
  return {
    template: row.template,
    periodKind: row.period_kind,
    targets,
    published: row.published,
    publishIndex: row.publish_index,
  };
}

export async function saveInsightsSettings(db: Executor, organisationId: number, settings: InsightsSettings) {
  const values = {
    template: settings.template,
    period_kind: settings.periodKind,
    targets: JSON.stringify(settings.targets),
    published: settings.published,
    publish_index: settings.publishIndex,
  };
  await db
    .insertInto('insights_setting')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/** The cities whose settings name this template (the network's view compares them). */
export async function organisationsWithTemplate(db: Executor, template: string): Promise<number[]> {
  const rows = await db
    .selectFrom('insights_setting')
    .select('organisation_id')
    .where('template', '=', template)
    .execute();
  return rows.map((row) => row.organisation_id);
}

/** Accounts opened in [from, to) (people, not staff), from the platform's users. */
export async function countAccountsBetween(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
): Promise<number> {
  const row = await db
    .selectFrom('core_user')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'resident')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findDepartmentNames(
  db: Executor,
  organisationId: number,
): Promise<Array<{ id: number; name: Translated }>> {
  const rows = await db
    .selectFrom('core_department')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: typeof row.name === 'string' ? (JSON.parse(row.name) as Translated) : row.name,
  }));
}

/** When the rollups were last brought up to date (the older of the two sources), null before the first run. */
export async function rolledAt(db: Executor, organisationId: number): Promise<Date | null> {
  const result = await sql<{ at: Date | null }>`
    select min(rolled_at) as at from insights_rollup_state where organisation_id = ${organisationId}`.execute(db);
  const at = result.rows[0]?.at;
  return at ? new Date(at) : null;
}
