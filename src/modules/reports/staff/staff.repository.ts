import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import type { Database, Translated } from '../../../platform/db/schema.ts';
import { idOf } from '../column-values.ts';
import type { ReportStatus } from '../reports.schema.ts';
import './staff.schema.ts';

/** A JSON column's value, whether the driver handed it over parsed or as text. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

export interface Department {
  id: number;
  slug: string;
  name: Translated;
  archived: boolean;
}

/** The city's departments by name order, archived ones last (their old reports still name them). */
export async function findDepartments(db: Executor, organisationId: number): Promise<Department[]> {
  const rows = await db
    .selectFrom('core_department')
    .select(['id', 'slug', 'name', 'archived_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('archived_at', 'desc')
    .orderBy('slug')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: parseJson(row.name) as Translated,
    archived: row.archived_at !== null,
  }));
}

/**
 * The city's active departments that have no member: reports routed to them reach nobody (no one is told,
 * no one's queue shows them), so the routing page warns about them.
 */
export async function findDepartmentIdsWithoutMembers(db: Executor, organisationId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('core_department as d')
    .select('d.id')
    .where('d.organisation_id', '=', organisationId)
    .where('d.archived_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('core_department_member as m').select('m.user_id').whereRef('m.department_id', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.id')
    .execute();
  return rows.map((row) => row.id);
}

/** What a department's queue can be narrowed to. `departmentIds` undefined means every department. */
export interface QueueFilters {
  departmentIds?: number[] | undefined;
  statuses?: ReportStatus[] | undefined;
  isOpen?: boolean | undefined;
  categoryId?: number | undefined;
  districtId?: number | undefined;
  overdueOnly?: boolean | undefined;
  /** A report number (`123` or `#123`) or words found in the description or the address. */
  text?: string | undefined;
  order: 'deadline' | 'newest';
}

export interface QueueRow {
  id: number;
  status: ReportStatus;
  isOpen: boolean;
  categoryId: number;
  categoryName: Translated;
  departmentId: number | null;
  departmentName: Translated | null;
  districtId: number | null;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  hiddenAt: Date | null;
  lastPublicText: string | null;
}

type ReportsFrom = Database & { r: Database['reports_report'] };
type QueueBase = SelectQueryBuilder<ReportsFrom, 'r', object>;

/** Escapes the wildcards of a LIKE pattern, so that a typed `%` or `_` matches itself. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function applyQueueFilters(query: QueueBase, organisationId: number, filters: QueueFilters): QueueBase {
  let q = query.where('r.organisation_id', '=', organisationId);
  if (filters.departmentIds !== undefined) {
    q = filters.departmentIds.length
      ? q.where('r.department_id', 'in', filters.departmentIds)
      : q.where(sql<boolean>`false`);
  }
  if (filters.statuses?.length) q = q.where('r.status', 'in', filters.statuses);
  if (filters.isOpen !== undefined) q = q.where('r.is_open', '=', filters.isOpen);
  if (filters.categoryId !== undefined) q = q.where('r.category_id', '=', filters.categoryId);
  if (filters.districtId !== undefined) q = q.where('r.district_id', '=', filters.districtId);
  if (filters.overdueOnly) q = q.where('r.is_open', '=', true).where('r.deadline_at', '<', sql<Date>`now()`);
  const text = filters.text?.trim();
  if (text) {
    const number = /^#?(\d{1,15})$/.exec(text);
    if (number) q = q.where('r.id', '=', Number(number[1]));
    else
      q = q.where((eb) =>
        eb.or([eb('r.description', 'ilike', likePattern(text)), eb('r.address', 'ilike', likePattern(text))]),
      );
  }
  return q;
}

function queueBase(db: Kysely<Database>): QueueBase {
  return db.selectFrom('reports_report as r');
}

/**
 * One page of a department queue, with category, department and the latest public answer, in one query.
 * Sorted by deadline (open reports due first; the partial index on department and deadline serves it)
 * or newest first. Hidden reports are included: staff must still see them.
 */
export async function findQueue(
  db: Executor,
  organisationId: number,
  filters: QueueFilters,
  page: { limit: number; offset: number },
): Promise<QueueRow[]> {
  let query = applyQueueFilters(queueBase(db), organisationId, filters)
    .innerJoin('reports_category as c', 'c.id', 'r.category_id')
    .leftJoin('core_department as d', 'd.id', 'r.department_id')
    .select([
      'r.id',
      'r.status',
      'r.is_open',
      'r.category_id',
      'c.name as category_name',
      'r.department_id',
      'd.name as department_name',
      'r.district_id',
      'r.description',
      'r.address',
      'r.lat',
      'r.lng',
      'r.deadline_at',
      'r.created_at',
      'r.updated_at',
      'r.hidden_at',
      sql<
        string | null
      >`(select u.public_text from reports_update u where u.report_id = r.id and u.public_text is not null and u.hidden_at is null order by u.created_at desc, u.id desc limit 1)`.as(
        'last_public_text',
      ),
    ]);
  query =
    filters.order === 'newest'
      ? query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc')
      : query.orderBy('r.deadline_at', 'asc').orderBy('r.id', 'asc');
  const rows = await query.limit(page.limit).offset(page.offset).execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    status: row.status,
    isOpen: row.is_open,
    categoryId: row.category_id,
    categoryName: parseJson(row.category_name) as Translated,
    departmentId: row.department_id,
    departmentName: row.department_name ? (parseJson(row.department_name) as Translated) : null,
    districtId: row.district_id,
    description: row.description,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    hiddenAt: row.hidden_at,
    lastPublicText: row.last_public_text,
  }));
}

/** How many reports a queue holds, counting at most `cap + 1` (a queue of a million says "more than"). */
export async function countQueue(
  db: Executor,
  organisationId: number,
  filters: QueueFilters,
  cap: number,
): Promise<number> {
  const limited = applyQueueFilters(queueBase(db), organisationId, filters)
    .select(sql<number>`1`.as('one'))
    .limit(cap + 1)
    .as('limited');
  const row = await db
    .selectFrom(limited)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** What staff know about a report beyond its public page: who sent it and how to reach them. */
export interface ReportInternals {
  authorEmail: string | null;
  authorAccountName: string | null;
  authorLanguage: string | null;
  hiddenReason: string | null;
  apiKeyName: string | null;
  followers: number;
}

export async function findReportInternals(
  db: Executor,
  organisationId: number,
  reportId: number,
): Promise<ReportInternals | undefined> {
  const row = await db
    .selectFrom('reports_report as r')
    .leftJoin('core_user as u', 'u.id', 'r.author_id')
    .leftJoin('core_api_key as k', 'k.id', 'r.api_key_id')
    .select([
      'r.author_email',
      'u.email as account_email',
      'u.display_name',
      'u.language',
      'u.deleted_at',
      'r.hidden_reason',
      'k.name as api_key_name',
      sql<number>`(select count(*) from reports_subscription s where s.kind = 'report' and s.report_id = r.id and s.confirmed_at is not null)`.as(
        'followers',
      ),
    ])
    .where('r.organisation_id', '=', organisationId)
    .where('r.id', '=', reportId)
    .executeTakeFirst();
  if (!row) return undefined;
  const deleted = row.deleted_at !== null;
  return {
    authorEmail: row.author_email ?? (deleted ? null : row.account_email),
    authorAccountName: deleted ? null : row.display_name,
    authorLanguage: deleted ? null : row.language,
    hiddenReason: row.hidden_reason,
    apiKeyName: row.api_key_name,
    followers: row.followers,
  };
}

export interface StaffHistoryLine {
  id: number;
  kind: string;
  statusFrom: string | null;
  statusTo: string | null;
  publicText: string | null;
  internalNote: string | null;
  details: Record<string, unknown>;
  authorName: string | null;
  authorRole: string | null;
  createdAt: Date;
  hidden: boolean;
}

/** A report's whole history for staff, oldest first: public answers, internal notes, re-routing reasons, moderation. */
export async function findStaffHistory(
  db: Executor,
  organisationId: number,
  reportId: number,
): Promise<StaffHistoryLine[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .leftJoin('core_user as a', 'a.id', 'u.author_id')
    .select([
      'u.id',
      'u.kind',
      'u.status_from',
      'u.status_to',
      'u.public_text',
      'u.internal_note',
      'u.details',
      'u.author_label',
      'a.display_name',
      'a.role',
      'u.created_at',
      'u.hidden_at',
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.report_id', '=', reportId)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(1000)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    kind: row.kind,
    statusFrom: row.status_from,
    statusTo: row.status_to,
    publicText: row.public_text,
    internalNote: row.internal_note,
    details: parseJson(row.details) as Record<string, unknown>,
    authorName: row.author_label ?? row.display_name ?? null,
    authorRole: row.role ?? null,
    createdAt: row.created_at,
    hidden: row.hidden_at !== null,
  }));
}

export interface StaffPhoto {
  id: number;
  contentType: string;
  byteSize: number;
  createdAt: Date;
  hiddenAt: Date | null;
  hiddenReason: string | null;
}

/** Every photo of a report, hidden ones too, without their bytes. */
export async function findStaffPhotos(db: Executor, organisationId: number, reportId: number): Promise<StaffPhoto[]> {
  const rows = await db
    .selectFrom('reports_photo')
    .select(['id', 'content_type', 'byte_size', 'created_at', 'hidden_at', 'hidden_reason'])
    .where('organisation_id', '=', organisationId)
    .where('report_id', '=', reportId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    contentType: row.content_type,
    byteSize: row.byte_size,
    createdAt: row.created_at,
    hiddenAt: row.hidden_at,
    hiddenReason: row.hidden_reason,
  }));
}

/** One photo's bytes for staff, hidden or not, when it belongs to the report. */
export async function findStaffPhotoData(
  db: Executor,
  organisationId: number,
  reportId: number,
  photoId: number,
): Promise<{ contentType: string; data: Buffer } | undefined> {
  const row = await db
    .selectFrom('reports_photo')
    .select(['content_type', 'data'])
    .where('organisation_id', '=', organisationId)
    .where('report_id', '=', reportId)
    .where('id', '=', photoId)
    .executeTakeFirst();
  return row ? { contentType: row.content_type, data: Buffer.from(row.data) } : undefined;
}

export interface AnswerTemplate {
  status: ReportStatus;
  language: string;
  body: string;
  updatedAt: Date;
}

/** All answer templates of the city. */
export async function findAnswerTemplates(db: Executor, organisationId: number): Promise<AnswerTemplate[]> {
  const rows = await db
    .selectFrom('reports_answer_template')
    .select(['status', 'language', 'body', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('status')
    .orderBy('language')
    .execute();
  return rows.map((row) => ({ status: row.status, language: row.language, body: row.body, updatedAt: row.updated_at }));
}

/**
 * The template for a status in the first of `languages` that has one (the resident's language, then
 * the city's default), or undefined.
 */
export async function findAnswerTemplate(
  db: Executor,
  organisationId: number,
  status: ReportStatus,
  languages: string[],
): Promise<AnswerTemplate | undefined> {
  if (languages.length === 0) return undefined;
  const rows = await db
    .selectFrom('reports_answer_template')
    .select(['status', 'language', 'body', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', status)
    .where('language', 'in', languages)
    .execute();
  for (const language of languages) {
    const row = rows.find((r) => r.language === language);
    if (row) return { status: row.status, language: row.language, body: row.body, updatedAt: row.updated_at };
  }
  return undefined;
}

/** Stores (or, with an empty body, removes) the template of one status and language. */
export async function saveAnswerTemplate(
  db: Executor,
  organisationId: number,
  template: { status: ReportStatus; language: string; body: string },
  userId: number,
): Promise<void> {
  if (!template.body) {
    await db
      .deleteFrom('reports_answer_template')
      .where('organisation_id', '=', organisationId)
      .where('status', '=', template.status)
      .where('language', '=', template.language)
      .execute();
    return;
  }
  await db
    .insertInto('reports_answer_template')
    .values({
      organisation_id: organisationId,
      status: template.status,
      language: template.language,
      body: template.body,
      updated_by: userId,
    })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'status', 'language'])
        .doUpdateSet({ body: template.body, updated_by: userId, updated_at: new Date() }),
    )
    .execute();
}

/** The user who issued an API key that is still valid; a key acts with that person's rights. */
export async function findApiKeyIssuer(db: Executor, organisationId: number, keyId: number): Promise<number | null> {
  const row = await db
    .selectFrom('core_api_key')
    .select('created_by')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.created_by ?? null;
}

/** Hides a photo from the public (or shows it again); returns its state before, or undefined when there is no such photo. */
export async function setPhotoHidden(
  db: Executor,
  organisationId: number,
  reportId: number,
  photoId: number,
  hidden: boolean,
  reason: string | null,
): Promise<{ hiddenAt: Date | null; hiddenReason: string | null } | undefined> {
  const before = await db
    .selectFrom('reports_photo')
    .select(['hidden_at', 'hidden_reason'])
    .where('organisation_id', '=', organisationId)
    .where('report_id', '=', reportId)
    .where('id', '=', photoId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  await db
    .updateTable('reports_photo')
    .set({ hidden_at: hidden ? new Date() : null, hidden_reason: hidden ? reason : null })
    .where('id', '=', photoId)
    .execute();
  return { hiddenAt: before.hidden_at, hiddenReason: before.hidden_reason };
}
