import type { ColumnType, Generated } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import { deleteAbandonedPhotos } from './photos.repository.ts';
import { deleteExpiredPendingReports } from './pending-reports.repository.ts';
import { idOf } from './column-values.ts';
import { areaContains, readArea } from './subscription-area.ts';
import {
  claimNotifiedLines,
  deleteOldNotifiedMarkers,
  deleteUnconfirmedSubscriptions,
  erasePersonalReportData,
  findPendingLines,
  findPersonalReportData,
  findRecipientCandidates,
  insertAuthorFollows,
  markHistoryNotified,
  type PendingLine,
} from './subscriptions.repository.ts';

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
      /** When the address confirmed (double opt-in); at once for a signed-in resident. Only confirmed ones are mailed. */
      confirmed_at: ColumnType<Date | null, Date | null, Date | null>;
      /** The hash of the mailed confirmation link's token while unconfirmed. */
      confirm_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
    };
    reports_notified: {
      update_id: number;
      organisation_id: number;
      created_at: CreatedAt;
    };
  }
}

export const NOTIFY_JOB = 'reports.notify-subscribers';
export const NOTIFY_EVERY_MS = 60_000;
/** How long a mailed confirmation link works; an unconfirmed report or follow is removed after it. */
export const CONFIRM_DAYS = 7;
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
  const organisations = await ctx.organisations.findAll();
  let sent = 0;
  for (const organisation of organisations) {
    sent += await ctx.db.transaction().execute(async (tx) => {
      const lines = await findPendingLines(tx, organisation.id);
      if (lines.length === 0) return 0;
      const mine = new Set(
        await claimNotifiedLines(
          tx,
          organisation.id,
          lines.map((line) => line.id),
        ),
      );
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
  await deleteOldNotifiedMarkers(ctx.db);
  // what residents who are not signed in never confirmed: reports and follows whose link expired
  await deleteExpiredPendingReports(ctx.db);
  await deleteUnconfirmedSubscriptions(ctx.db, new Date(Date.now() - CONFIRM_DAYS * 86_400_000));
  await deleteAbandonedPhotos(ctx.db, new Date(Date.now() - 86_400_000));
  return sent;
}

async function recipientsFor(tx: Tx, organisationId: number, line: PendingLine): Promise<Recipient[]> {
  const rows = await findRecipientCandidates(tx, organisationId, line);
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
  organisation: Organisation,
  line: PendingLine,
  recipient: Recipient,
): { subject: string; text: string; unsubscribeUrl: string } {
  const language = isLanguage(recipient.language)
    ? recipient.language
    : isLanguage(organisation.defaultLanguage)
      ? organisation.defaultLanguage
      : 'en';
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  const category = localized(parseJson(line.categoryName), language, organisation.defaultLanguage);
  const link = absoluteUrl(ctx.config, organisation, `/reports/${line.reportId}`);
  const unsubscribe = absoluteUrl(ctx.config, organisation, `/reports/unsubscribe?token=${recipient.unsubscribeToken}`);
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
  const oneClick = absoluteUrl(
    ctx.config,
    organisation,
    `/reports/unsubscribe/one-click?token=${recipient.unsubscribeToken}`,
  );
  return { subject, text, unsubscribeUrl: oneClick };
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
    const { reports, updates, photos, subscriptions } = await findPersonalReportData(tx, userId);
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
    await erasePersonalReportData(tx, userId, options.removeContent);
  },
};

/**
 * For a seeded city: authors follow the reports they sent, and the seeded history counts as already
 * e-mailed (nobody gets mail about a demo made up on installation).
 */
export async function seedSubscriptions(db: Executor, organisationId: number): Promise<void> {
  await insertAuthorFollows(db, organisationId);
  await markHistoryNotified(db, organisationId);
}
