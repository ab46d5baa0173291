import type { AppContext } from '../../platform/context.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { bounceToken } from './bounces.ts';
import { authorizeNewsletter, mayNewsletter } from './newsletter.policy.ts';
import {
  countByLanguage,
  ensureSettings,
  findWaitingItems,
  listDigests,
  storeSettings,
  type WaitingItem,
} from './newsletter.repository.ts';
import type { Frequency } from './newsletter.schema.ts';
import { nextSlot } from './schedule.ts';

/**
 * What staff see of the newsletter: how many addresses read each language (counts only, never the
 * addresses), the newsletters sent with their counts, the schedule, when the next digest goes and what is
 * waiting for it; administrators also see the bounce token their mail server needs.
 */
export async function newsletterOverview(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  authorizeNewsletter(viewer, 'overview');
  const settings = await ensureSettings(ctx.db, organisation.id);
  const counts = await countByLanguage(ctx.db, organisation.id);
  const waiting = await findWaitingItems(ctx.db, organisation.id);
  const byLanguage = new Map<string, number>();
  for (const item of waiting) byLanguage.set(item.language, (byLanguage.get(item.language) ?? 0) + 1);
  return {
    settings,
    next: nextSlot(settings, new Date(), organisation.timeZone),
    counts,
    waiting: [...byLanguage].map(([language, count]) => ({ language, count })),
    digests: await listDigests(ctx.db, organisation.id, 50),
    bounceToken: mayNewsletter(viewer, 'bounces') ? bounceToken(ctx.config.secretKey, organisation.id) : undefined,
  };
}

/** Sets the schedule of the digest (staff). */
export async function saveSchedule(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { frequency: Frequency; weekday: number; hour: number },
): Promise<void> {
  authorizeNewsletter(viewer, 'schedule');
  await storeSettings(ctx.db, organisation.id, input);
}

/** The posts the next digest of one language will carry (staff preview). */
export async function previewItems(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  language: string,
): Promise<WaitingItem[]> {
  authorizeNewsletter(viewer, 'overview');
  return (await findWaitingItems(ctx.db, organisation.id)).filter((item) => item.language === language);
}
