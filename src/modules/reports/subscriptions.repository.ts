import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { idOf } from './column-values.ts';
import { readArea, type SubscriptionArea } from './subscription-area.ts';

/** Who subscribes: a signed-in resident, or an e-mail address given with an anonymous report. */
export type Subscriber = { userId: number } | { email: string };

function token(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Follows one report (idempotent): its status changes, answers and updates are e-mailed. The follower is
 * known to own the address: a signed-in resident, or an address that has just confirmed a report. An
 * unconfirmed follow by the same address becomes confirmed.
 */
export async function followReport(
  db: Executor,
  organisationId: number,
  reportId: number,
  who: Subscriber,
): Promise<void> {
  await db
    .insertInto('reports_subscription')
    .values({
      organisation_id: organisationId,
      kind: 'report',
      user_id: 'userId' in who ? who.userId : null,
      email: 'email' in who ? who.email.trim().toLowerCase() : null,
      report_id: reportId,
      district_id: null,
      category_id: null,
      min_lat: null,
      min_lng: null,
      max_lat: null,
      max_lng: null,
      unsubscribe_token: token(),
      confirmed_at: new Date(),
    })
    .onConflict((oc) =>
      oc
        .expression(sql`report_id, coalesce(user_id, 0), coalesce(email, '')`)
        .where('kind', '=', 'report')
        .doUpdateSet({ confirmed_at: sql`coalesce(reports_subscription.confirmed_at, now())` }),
    )
    .execute();
}

/**
 * Follows a report by an e-mail address that has not shown it is its owner's (double opt-in): the
 * subscription is stored unconfirmed with the hash of the token mailed to the address, and is mailed
 * nothing until confirmed. Asked again while unconfirmed, the new token replaces the old one. Answers
 * `'confirmed'` when the address already follows the report confirmed (nothing changes, no mail is due).
 */
export async function followReportUnconfirmed(
  db: Executor,
  organisationId: number,
  reportId: number,
  email: string,
  confirmTokenHash: string,
): Promise<'pending' | 'confirmed'> {
  const row = await db
    .insertInto('reports_subscription')
    .values({
      organisation_id: organisationId,
      kind: 'report',
      user_id: null,
      email: email.trim().toLowerCase(),
      report_id: reportId,
      district_id: null,
      category_id: null,
      min_lat: null,
      min_lng: null,
      max_lat: null,
      max_lng: null,
      unsubscribe_token: token(),
      confirmed_at: null,
      confirm_token_hash: confirmTokenHash,
    })
    .onConflict((oc) =>
      oc
        .expression(sql`report_id, coalesce(user_id, 0), coalesce(email, '')`)
        .where('kind', '=', 'report')
        .doUpdateSet({ confirm_token_hash: confirmTokenHash })
        .where('reports_subscription.confirmed_at', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? 'pending' : 'confirmed';
}

/**
 * Confirms the subscription a mailed token names (idempotent: a second use changes nothing). Answers the
 * report it follows, or undefined for a token that is unknown (or whose subscription expired unconfirmed).
 */
export async function confirmSubscriptionByToken(
  db: Executor,
  organisationId: number,
  confirmTokenHash: string,
): Promise<{ reportId: number } | undefined> {
  const row = await db
    .updateTable('reports_subscription')
    .set({ confirmed_at: sql`coalesce(confirmed_at, now())` })
    .where('organisation_id', '=', organisationId)
    .where('confirm_token_hash', '=', confirmTokenHash)
    .where('kind', '=', 'report')
    .returning('report_id')
    .executeTakeFirst();
  return !row || row.report_id === null ? undefined : { reportId: idOf(row.report_id) };
}

/** The report an unconfirmed (or confirmed) follow's token names, without confirming it. */
export async function findFollowByConfirmToken(
  db: Executor,
  organisationId: number,
  confirmTokenHash: string,
): Promise<{ reportId: number; confirmed: boolean } | undefined> {
  const row = await db
    .selectFrom('reports_subscription')
    .select(['report_id', 'confirmed_at'])
    .where('organisation_id', '=', organisationId)
    .where('confirm_token_hash', '=', confirmTokenHash)
    .where('kind', '=', 'report')
    .executeTakeFirst();
  return !row || row.report_id === null
    ? undefined
    : { reportId: idOf(row.report_id), confirmed: row.confirmed_at !== null };
}

/** Removes subscriptions whose address never confirmed them (called by the notify job). */
export async function deleteUnconfirmedSubscriptions(db: Executor, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('reports_subscription')
    .where('confirmed_at', 'is', null)
    .where('created_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Stops following a report. */
export async function unfollowReport(
  db: Executor,
  organisationId: number,
  reportId: number,
  userId: number,
): Promise<void> {
  await db
    .deleteFrom('reports_subscription')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'report')
    .where('report_id', '=', reportId)
    .where('user_id', '=', userId)
    .execute();
}

export async function isFollowing(db: Executor, reportId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('reports_subscription')
    .select('id')
    .where('kind', '=', 'report')
    .where('report_id', '=', reportId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countFollowers(db: Executor, reportId: number): Promise<number> {
  const row = await db
    .selectFrom('reports_subscription')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', 'report')
    .where('report_id', '=', reportId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface AreaFilter {
  districtId?: number | undefined;
  categoryId?: number | undefined;
  /** A validated area (see validateArea); a map rectangle is a 4-corner area. */
  area?: SubscriptionArea | undefined;
}

/**
 * Subscribes a resident to new reports in the city, a district, a category and/or a drawn area
 * (idempotent: the same filters twice make one subscription).
 */
export async function subscribeNewReports(
  db: Executor,
  organisationId: number,
  userId: number,
  filter: AreaFilter,
): Promise<void> {
  const area = filter.area ? JSON.stringify(filter.area.polygon) : null;
  let existing = db
    .selectFrom('reports_subscription')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'new_reports')
    .where('user_id', '=', userId);
  existing =
    filter.districtId === undefined
      ? existing.where('district_id', 'is', null)
      : existing.where('district_id', '=', filter.districtId);
  existing =
    filter.categoryId === undefined
      ? existing.where('category_id', 'is', null)
      : existing.where('category_id', '=', filter.categoryId);
  existing = area === null ? existing.where('area', 'is', null) : existing.where(sql<boolean>`area = ${area}::jsonb`);
  if (await existing.executeTakeFirst()) return;
  await db
    .insertInto('reports_subscription')
    .values({
      organisation_id: organisationId,
      kind: 'new_reports',
      user_id: userId,
      email: null,
      report_id: null,
      district_id: filter.districtId ?? null,
      category_id: filter.categoryId ?? null,
      min_lat: filter.area?.bbox.minLat ?? null,
      min_lng: filter.area?.bbox.minLng ?? null,
      max_lat: filter.area?.bbox.maxLat ?? null,
      max_lng: filter.area?.bbox.maxLng ?? null,
      area,
      unsubscribe_token: token(),
      confirmed_at: new Date(),
    })
    .execute();
}

export interface SubscriptionRow {
  id: number;
  kind: 'report' | 'new_reports';
  reportId: number | null;
  districtId: number | null;
  categoryId: number | null;
  hasArea: boolean;
  area: SubscriptionArea['polygon'] | null;
  createdAt: Date;
}

/** A resident's subscriptions, newest first. */
export async function findUserSubscriptions(
  db: Executor,
  organisationId: number,
  userId: number,
): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom('reports_subscription')
    .select(['id', 'kind', 'report_id', 'district_id', 'category_id', 'area', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map((row) => {
    const area = readArea(row.area);
    return {
      id: idOf(row.id),
      kind: row.kind,
      reportId: row.report_id === null ? null : idOf(row.report_id),
      districtId: row.district_id,
      categoryId: row.category_id,
      hasArea: area !== null,
      area,
      createdAt: row.created_at,
    };
  });
}

/** Removes one of a resident's subscriptions. */
export async function deleteSubscription(
  db: Executor,
  organisationId: number,
  userId: number,
  id: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('reports_subscription')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Removes the subscription a mail's unsubscribe link names; works without signing in. */
export async function unsubscribeByToken(
  db: Executor,
  organisationId: number,
  unsubscribeToken: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('reports_subscription')
    .where('organisation_id', '=', organisationId)
    .where('unsubscribe_token', '=', unsubscribeToken)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** History lines older than this are never mailed (after a long outage, or when a demo is seeded). */
const NOTIFY_WINDOW = "interval '3 days'";
const MAIL_KINDS = ['created', 'status', 'answer', 'comment', 'reopen', 'merge'] as const;

export interface PendingLine {
  id: number;
  reportId: number;
  kind: string;
  statusTo: string | null;
  publicText: string | null;
  authorId: number | null;
  districtId: number | null;
  categoryId: number;
  categoryName: unknown;
  lat: number;
  lng: number;
}

/** A city's recent public history lines that no sweep has claimed yet (at most 500, oldest first). */
export async function findPendingLines(tx: Tx, organisationId: number): Promise<PendingLine[]> {
  const rows = await tx
    .selectFrom('reports_update as u')
    .innerJoin('reports_report as r', 'r.id', 'u.report_id')
    .innerJoin('reports_category as c', 'c.id', 'r.category_id')
    .select([
      'u.id',
      'u.report_id',
      'u.kind',
      'u.status_to',
      'u.public_text',
      'u.author_id',
      'r.district_id',
      'r.category_id',
      'c.name as category_name',
      'r.lat',
      'r.lng',
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.created_at', '>', sql<Date>`now() - ${sql.raw(NOTIFY_WINDOW)}`)
    .where('u.kind', 'in', MAIL_KINDS)
    .where('u.hidden_at', 'is', null)
    .where('r.hidden_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('reports_notified as n').select('n.update_id').whereRef('n.update_id', '=', 'u.id')),
      ),
    )
    .orderBy('u.id')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    reportId: idOf(row.report_id),
    kind: row.kind,
    statusTo: row.status_to,
    publicText: row.public_text,
    authorId: row.author_id,
    districtId: row.district_id,
    categoryId: row.category_id,
    categoryName: row.category_name,
    lat: row.lat,
    lng: row.lng,
  }));
}

/** The line of history a subscriber may be told about, as far as choosing the subscriptions goes. */
export type RecipientLine = Pick<PendingLine, 'kind' | 'reportId' | 'districtId' | 'categoryId' | 'lat' | 'lng'>;

/**
 * The subscriptions (with their users) that may be mailed about a line: for a new report those whose
 * district, category and area box match it (the polygon is checked by the caller), otherwise the
 * followers of the report.
 */
export async function findRecipientCandidates(tx: Tx, organisationId: number, line: RecipientLine) {
  let query = tx
    .selectFrom('reports_subscription as s')
    .leftJoin('core_user as u', 'u.id', 's.user_id')
    .select([
      's.email',
      'u.email as user_email',
      'u.language',
      'u.email_confirmed_at',
      'u.deleted_at',
      's.user_id',
      's.unsubscribe_token',
      's.area',
    ])
    .where('s.organisation_id', '=', organisationId)
    // double opt-in: an address that has not confirmed is mailed nothing
    .where('s.confirmed_at', 'is not', null);
  if (line.kind === 'created') {
    query = query
      .where('s.kind', '=', 'new_reports')
      .where((eb) => eb.or([eb('s.district_id', 'is', null), eb('s.district_id', '=', line.districtId)]))
      .where((eb) => eb.or([eb('s.category_id', 'is', null), eb('s.category_id', '=', line.categoryId)]))
      // the area's box in SQL (cheap), the polygon itself by the caller (areaContains)
      .where((eb) =>
        eb.or([
          eb('s.min_lat', 'is', null),
          eb.and([
            eb('s.min_lat', '<=', line.lat),
            eb('s.max_lat', '>=', line.lat),
            eb('s.min_lng', '<=', line.lng),
            eb('s.max_lng', '>=', line.lng),
          ]),
        ]),
      );
  } else {
    query = query.where('s.kind', '=', 'report').where('s.report_id', '=', line.reportId);
  }
  return query.execute();
}

/**
 * Claims history lines for this sweep by inserting their "notified" markers; answers the ids it
 * claimed (a line another worker claimed first is left out).
 */
export async function claimNotifiedLines(tx: Tx, organisationId: number, updateIds: number[]): Promise<number[]> {
  const claimed = await tx
    .insertInto('reports_notified')
    .values(updateIds.map((id) => ({ update_id: id, organisation_id: organisationId })))
    .onConflict((oc) => oc.column('update_id').doNothing())
    .returning('update_id')
    .execute();
  return claimed.map((row) => idOf(row.update_id));
}

/** Removes the "notified" markers older than the window of lines a sweep looks at. */
export async function deleteOldNotifiedMarkers(db: Executor): Promise<void> {
  await db
    .deleteFrom('reports_notified')
    .where('created_at', '<', sql<Date>`now() - interval '4 days'`)
    .execute();
}

/** What the reports module holds about a resident, as stored: their reports, updates, photos and subscriptions. */
export async function findPersonalReportData(tx: Tx, userId: number) {
  const reports = await tx
    .selectFrom('reports_report')
    .select([
      'id',
      'status',
      'description',
      'address',
      'lat',
      'lng',
      'answers',
      'author_name',
      'author_email',
      'show_name',
      'created_at',
      'updated_at',
    ])
    .where('author_id', '=', userId)
    .orderBy('id')
    .execute();
  const updates = await tx
    .selectFrom('reports_update')
    .select(['id', 'report_id', 'kind', 'public_text', 'created_at'])
    .where('author_id', '=', userId)
    .where('kind', 'in', ['comment', 'reopen'])
    .orderBy('id')
    .execute();
  const photos = await tx
    .selectFrom('reports_photo')
    .select(['id', 'report_id', 'content_type', 'byte_size', 'created_at', 'data'])
    .where('author_id', '=', userId)
    .orderBy('id')
    .execute();
  const subscriptions = await tx
    .selectFrom('reports_subscription')
    .select([
      'id',
      'kind',
      'report_id',
      'district_id',
      'category_id',
      'min_lat',
      'min_lng',
      'max_lat',
      'max_lng',
      'area',
      'created_at',
    ])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return { reports, updates, photos, subscriptions };
}

/**
 * Erases a resident from the reports module: their subscriptions and the name and address on their
 * reports; with `removeContent` their photos are deleted and their reports and updates hidden.
 */
export async function erasePersonalReportData(tx: Tx, userId: number, removeContent: boolean): Promise<void> {
  await tx.deleteFrom('reports_subscription').where('user_id', '=', userId).execute();
  await tx
    .updateTable('reports_report')
    .set({ author_name: null, author_email: null, show_name: false })
    .where('author_id', '=', userId)
    .execute();
  if (removeContent) {
    await tx.deleteFrom('reports_photo').where('author_id', '=', userId).execute();
    await tx
      .updateTable('reports_update')
      .set({ hidden_at: new Date() })
      .where('author_id', '=', userId)
      .where('kind', 'in', ['comment', 'reopen'])
      .execute();
    await tx
      .updateTable('reports_report')
      .set({ hidden_at: new Date(), hidden_reason: 'Removed at the request of its author' })
      .where('author_id', '=', userId)
      .where('hidden_at', 'is', null)
      .execute();
  }
}

/** Makes the authors of a city's reports follow them (for a seeded city). */
export async function insertAuthorFollows(db: Executor, organisationId: number): Promise<void> {
  await sql`
    insert into reports_subscription (organisation_id, kind, user_id, report_id, unsubscribe_token, confirmed_at)
    select organisation_id, 'report', author_id, id, replace(gen_random_uuid()::text, '-', ''), now()
    from reports_report where organisation_id = ${organisationId} and author_id is not null
    on conflict do nothing`.execute(db);
}

/** Counts a city's whole history as already e-mailed (for a seeded city). */
export async function markHistoryNotified(db: Executor, organisationId: number): Promise<void> {
  await sql`insert into reports_notified (update_id, organisation_id) select id, organisation_id from reports_update where organisation_id = ${organisationId} on conflict do nothing`.execute(
    db,
  );
}
