import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { subscriberLinks } from './links.ts';
import { newsletterMail } from './newsletter.mails.ts';
import {
  assignItems,
  claimDigestRun,
  deleteExpiredPending,
  ensureSettings,
  findRecipients,
  findWaitingItems,
  insertDigest,
  insertSend,
  recordBounce,
  takeRefusedSends,
  type Subscriber,
  type WaitingItem,
} from './newsletter.repository.ts';
import { digestDue } from './schedule.ts';

export const DIGEST_JOB = 'newsletter.digest';
export const DIGEST_EVERY_MS = 60_000;
/** Soft bounces (a full mailbox, a server down for days) after which an address is no longer mailed. */
export const SOFT_BOUNCE_LIMIT = 3;

/** Whether a subscriber who chose topics gets this post: general news always, else only their departments'. */
function wants(subscriber: Subscriber, item: { departmentId: number | null }): boolean {
  return (
    subscriber.departmentIds.length === 0 ||
    item.departmentId === null ||
    subscriber.departmentIds.includes(item.departmentId)
  );
}

/**
 * Sends one language segment: each confirmed subscriber reading `language` gets one mail with the posts
 * they chose (a crisis post goes to all of them), queued through the platform mailer in the caller's
 * transaction, so the posts are marked sent exactly when their mails are in the outbox: a crash before
 * the commit leaves both as they were, and the mailer's job retries each mail until the SMTP server takes it.
 */
export async function sendSegment(
  ctx: AppContext,
  tx: Tx,
  organisation: Organisation,
  language: string,
  kind: 'digest' | 'crisis',
  items: readonly WaitingItem[],
  at: Date,
): Promise<{ digestId: number; recipients: number }> {
  const mailLanguage = isLanguage(language) ? language : 'en';
  const plan: Array<{ subscriber: Subscriber; items: WaitingItem[] }> = [];
  for (const subscriber of await findRecipients(tx, organisation.id, language)) {
    const chosen = kind === 'crisis' ? [...items] : items.filter((item) => wants(subscriber, item));
    if (chosen.length > 0) plan.push({ subscriber, items: chosen });
  }
  const digestId = await insertDigest(tx, {
    organisationId: organisation.id,
    language,
    kind,
    items: items.length,
    recipients: plan.length,
  });
  for (const { subscriber, items: chosen } of plan) {
    const links = subscriberLinks(ctx.config, organisation, subscriber);
    const mailId = await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: subscriber.email,
        ...newsletterMail(organisation, mailLanguage, kind, chosen, links, at),
      },
      tx,
    );
    await insertSend(tx, { organisationId: organisation.id, digestId, subscriberId: subscriber.id, mailId });
  }
  await assignItems(
    tx,
    organisation.id,
    items.map((item) => item.id),
    digestId,
  );
  return { digestId, recipients: plan.length };
}

/**
 * Builds and sends the digest of one city when its schedule says so: one mail per language segment from
 * the posts added since the last digest. The run is claimed first (two workers never send it twice).
 * Answers the mails queued.
 */
export async function sendDigestIfDue(ctx: AppContext, organisation: Organisation, now: Date): Promise<number> {
  const settings = await ensureSettings(ctx.db, organisation.id);
  if (!digestDue(settings, settings.lastDigestAt ?? settings.createdAt, now, organisation.timeZone)) return 0;
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await claimDigestRun(tx, organisation.id, settings.lastDigestAt, now))) return 0;
    const items = await findWaitingItems(tx, organisation.id, true);
    const byLanguage = new Map<string, WaitingItem[]>();
    for (const item of items) byLanguage.set(item.language, [...(byLanguage.get(item.language) ?? []), item]);
    let mails = 0;
    for (const [language, segment] of byLanguage)
      mails += (await sendSegment(ctx, tx, organisation, language, 'digest', segment, now)).recipients;
    return mails;
  });
}

/**
 * Reads what the SMTP server refused for good at send time (the mailer marks those mails `failed`
 * with its 5xx answer): each is a hard bounce, and its address is mailed no more.
 */
export async function recordRefusals(ctx: AppContext): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const refused = await takeRefusedSends(tx);
    for (const send of refused)
      await recordBounce(tx, send.organisationId, { id: send.subscriberId }, true, SOFT_BOUNCE_LIMIT);
    return refused.length;
  });
}

/** The recurring job: digests that are due, bounces at send time, confirmations that expired. */
export async function runNewsletter(ctx: AppContext, now = new Date()): Promise<void> {
  for (const organisation of await ctx.organisations.findAll()) {
    const mails = await sendDigestIfDue(ctx, organisation, now);
    if (mails > 0) ctx.log.info({ organisationId: organisation.id, mails }, 'newsletter digest queued');
  }
  const refused = await recordRefusals(ctx);
  if (refused > 0) ctx.log.info({ refused }, 'newsletter: mails refused by the SMTP server counted as bounces');
  await deleteExpiredPending(ctx.db, now);
}
