import { idOf } from './reports.repository.ts';
import { randomBytes } from 'node:crypto';
import { sql, type ColumnType, type Generated } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import { deleteAbandonedPhotos } from './photos.ts';
import { areaContains, readArea, type SubscriptionArea } from './subscription-area.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

declare module '../../platform/db/schema.ts' {
  interface Database {
    reports_subscription: {
      id: Generated<number>;
      organisation_id: number;
      kind: 'report' | 'new_reports';
      user_id: number | null;
      email: string | null;
      report_id: number | null;
      district_id: number | null;
      category_id: number | null;
      min_lat: number | null;
      min_lng: number | null;
      max_lat: number | null;
      max_lng: number | null;
      /** A GeoJSON Polygon (one closed ring) for area subscriptions; min/max lat/lng are its box. */
      area: ColumnType<unknown, string | null | undefined, string | null>;
      unsubscribe_token: string;
      created_at: CreatedAt;
    };
    reports_notified: {
      update_id: number;
      organisation_id: number;
      created_at: CreatedAt;
    };
  }
}

/** Who subscribes: a signed-in resident, or an e-mail address given with an anonymous report. */
export type Subscriber = { userId: number } | { email: string };

function token(): string {
  return randomBytes(18).toString('base64url');
}

/** Follows one report (idempotent): its status changes, answers and updates are e-mailed. */
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
    })
    .onConflict((oc) =>
      oc
        .expression(sql`report_id, coalesce(user_id, 0), coalesce(email, '')`)
        .where('kind', '=', 'report')
        .doNothing(),
    )
    .execute();
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

export const NOTIFY_JOB = 'reports.notify-subscribers';
export const NOTIFY_EVERY_MS = 60_000;
/** History lines older than this are never mailed (after a long outage, or when a demo is seeded). */
const NOTIFY_WINDOW = "interval '3 days'";
const MAIL_KINDS = ['created', 'status', 'answer', 'comment', 'reopen', 'merge'] as const;

interface PendingLine {
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

interface Recipient {
  email: string;
  language: string | null;
  unsubscribeToken: string;
}

/**
 * The job that e-mails subscribers. It sweeps each city's recent public history lines that have no
 * "notified" marker, claims them by inserting the marker (so two workers never mail twice, and a line
 * committed late by a slow transaction is still found), and stores the mails in the same transaction
 * through the platform mailer. It therefore covers every way a report changes — staff pages, Open311,
 * residents — without those paths knowing about e-mail. Runs every minute; pages that change a report
 * enqueue an extra run at once.
 */
export async function notifySubscribers(ctx: AppContext): Promise<number> {
  const organisations = await ctx.db
    .selectFrom('core_organisation')
    .select(['id', 'default_language', 'name'])
    .execute();
  let sent = 0;
  for (const organisation of organisations) {
    sent += await ctx.db.transaction().execute(async (tx) => {
      const lines = await pendingLines(tx, organisation.id);
      if (lines.length === 0) return 0;
      const claimed = await tx
        .insertInto('reports_notified')
        .values(lines.map((line) => ({ update_id: line.id, organisation_id: organisation.id })))
        .onConflict((oc) => oc.column('update_id').doNothing())
        .returning('update_id')
        .execute();
      const mine = new Set(claimed.map((row) => idOf(row.update_id)));
      let count = 0;
      for (const line of lines) {
        if (!mine.has(line.id)) continue;
        for (const recipient of await recipientsFor(tx, organisation.id, line)) {
          await ctx.mail.send(
            {
              organisationId: organisation.id,
              to: recipient.email,
              ...composeMail(ctx, organisation, line, recipient),
            },
            tx,
          );
          count++;
        }
      }
      return count;
    });
  }
  await ctx.db
    .deleteFrom('reports_notified')
    .where('created_at', '<', sql<Date>`now() - interval '4 days'`)
    .execute();
  await deleteAbandonedPhotos(ctx.db, new Date(Date.now() - 86_400_000));
  return sent;
}

async function pendingLines(tx: Tx, organisationId: number): Promise<PendingLine[]> {
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

async function recipientsFor(tx: Tx, organisationId: number, line: PendingLine): Promise<Recipient[]> {
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
    .where('s.organisation_id', '=', organisationId);
  if (line.kind === 'created') {
    query = query
      .where('s.kind', '=', 'new_reports')
      .where((eb) => eb.or([eb('s.district_id', 'is', null), eb('s.district_id', '=', line.districtId)]))
      .where((eb) => eb.or([eb('s.category_id', 'is', null), eb('s.category_id', '=', line.categoryId)]))
      // the area's box in SQL (cheap), the polygon itself below
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
  const rows = await query.execute();
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  for (const row of rows) {
    // nobody is mailed about what they did themselves
    if (row.user_id !== null && row.user_id === line.authorId) continue;
    if (line.kind === 'created' && !areaContains(row.area, line.lat, line.lng)) continue;
    const email =
      row.user_id !== null
        ? row.deleted_at === null && row.email_confirmed_at !== null
          ? row.user_email
          : null
        : row.email;
    if (!email || seen.has(email)) continue;
    seen.add(email);
    recipients.push({ email, language: row.language, unsubscribeToken: row.unsubscribe_token });
  }
  return recipients;
}

function composeMail(
  ctx: AppContext,
  organisation: { default_language: string; name: unknown },
  line: PendingLine,
  recipient: Recipient,
): { subject: string; text: string } {
  const language = isLanguage(recipient.language)
    ? recipient.language
    : isLanguage(organisation.default_language)
      ? organisation.default_language
      : 'en';
  const t = translator(language);
  const city = localized(parseJson(organisation.name), language, organisation.default_language);
  const category = localized(parseJson(line.categoryName), language, organisation.default_language);
  const link = new URL(`/reports/${line.reportId}`, ctx.config.publicUrl).toString();
  const unsubscribe = new URL(
    `/reports/unsubscribe?token=${recipient.unsubscribeToken}`,
    ctx.config.publicUrl,
  ).toString();
  const params = { id: line.reportId, category, city, link };
  let subject: string;
  let body: string;
  if (line.kind === 'created') {
    subject = t('reports.mail.new.subject', params);
    body = t('reports.mail.new.body', params);
  } else if (line.kind === 'status' && line.statusTo) {
    const status = statusName(t, line.statusTo);
    subject = t('reports.mail.status.subject', { ...params, status });
    body = t('reports.mail.status.body', { ...params, status });
  } else if (line.kind === 'reopen') {
    subject = t('reports.mail.reopened.subject', params);
    body = t('reports.mail.reopened.body', params);
  } else {
    subject = t('reports.mail.update.subject', params);
    body = t('reports.mail.update.body', params);
  }
  const answer = line.publicText ? `\n\n${t('reports.mail.answer')}\n${line.publicText}` : '';
  const text = `${body}${answer}\n\n${link}\n\n${t('reports.mail.unsubscribe', { link: unsubscribe })}\n\n${t('mail.signature', { city })}`;
  return { subject, text };
}

/** The translated name of a status; unknown values are shown as they are. */
export function statusName(t: ReturnType<typeof translator>, status: string): string {
  const key = `reports.status.${status}`;
  const text = t(key as Parameters<typeof t>[0]);
  return text === key ? status : text;
}

function parseJson(value: unknown): Record<string, string> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, string>;
}

/** Asks for a sweep now, after a page changed a report. */
export async function notifySoon(ctx: AppContext): Promise<void> {
  await ctx.jobs.enqueue(NOTIFY_JOB, {});
}

/**
 * What the reports module holds about a resident: the reports they sent, their updates, photos and
 * subscriptions. Erasing removes the subscriptions and the name and address on their reports; with
 * `removeContent` their photos are deleted and their reports and updates are hidden from the public.
 */
export const reportsPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
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
    return {
      reports: reports.map((row) => ({
        ...row,
        id: idOf(row.id),
        answers: (typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers) as unknown,
      })),
      updates: updates.map((row) => ({ ...row, id: idOf(row.id), report_id: idOf(row.report_id) })),
      photos: photos.map(({ data, ...row }) => ({
        ...row,
        id: idOf(row.id),
        report_id: row.report_id === null ? null : idOf(row.report_id),
        dataUrl: `data:${row.content_type};base64,${Buffer.from(data).toString('base64')}`,
      })),
      subscriptions: subscriptions.map((row) => ({
        ...row,
        id: idOf(row.id),
        report_id: row.report_id === null ? null : idOf(row.report_id),
        area: readArea(row.area),
      })),
    };
  },
  async erase(tx, userId, options) {
    await tx.deleteFrom('reports_subscription').where('user_id', '=', userId).execute();
    await tx
      .updateTable('reports_report')
      .set({ author_name: null, author_email: null, show_name: false })
      .where('author_id', '=', userId)
      .execute();
    if (options.removeContent) {
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
  },
};

/**
 * For a seeded city: authors follow the reports they sent, and the seeded history counts as already
 * e-mailed (nobody gets mail about a demo made up on installation).
 */
export async function seedSubscriptions(db: Executor, organisationId: number): Promise<void> {
  await sql`
    insert into reports_subscription (organisation_id, kind, user_id, report_id, unsubscribe_token)
    select organisation_id, 'report', author_id, id, replace(gen_random_uuid()::text, '-', '')
    from reports_report where organisation_id = ${organisationId} and author_id is not null
    on conflict do nothing`.execute(db);
  await sql`insert into reports_notified (update_id, organisation_id) select id, organisation_id from reports_update where organisation_id = ${organisationId} on conflict do nothing`.execute(
    db,
  );
}
