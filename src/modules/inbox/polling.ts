import type { AppContext } from '../../platform/context.ts';
import { allAdapters, adapterFor } from './channels/index.ts';
import {
  findChannelFailures,
  findChannelRecord,
  findPollableChannels,
  markChannelFailing,
} from './channels.repository.ts';
import { ingestMessages } from './ingest.ts';

/** The recurring job that polls the pull channels (mailboxes, Mastodon, feeds). */
export const POLL_JOB = 'inbox.poll';
export const POLL_EVERY_MS = 30_000;
const POLL_TIMEOUT_MS = 60_000;

/**
 * Polls every enabled pull channel that is due: each one at its adapter's pace, a failing one less
 * often (doubling up to an hour), so a channel that is down is retried without flooding its server.
 * One channel's failure is recorded on the channel (status, last error) and never stops the others.
 */
export async function pollChannels(
  ctx: AppContext,
  now = new Date(),
): Promise<{ polled: number; stored: number; failed: number }> {
  const kinds = allAdapters()
    .filter((adapter) => adapter.poll !== undefined)
    .map((adapter) => adapter.kind);
  const result = { polled: 0, stored: 0, failed: 0 };
  for (const due of await findPollableChannels(ctx.db, kinds)) {
    const adapter = adapterFor(due.kind);
    if (!adapter?.poll) continue;
    const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, due.organisationId, due.id);
    if (!channel) continue;
    const failures = await findChannelFailures(ctx.db, due.id);
    const everyMs =
      (adapter.pollEverySeconds ?? 60) * 1000 * Math.min(2 ** failures, 3600 / (adapter.pollEverySeconds ?? 60));
    if (due.lastPolledAt && now.getTime() - due.lastPolledAt.getTime() < everyMs) continue;
    result.polled += 1;
    try {
      const { messages, cursor } = await adapter.poll(channel, AbortSignal.timeout(POLL_TIMEOUT_MS), ctx);
      const outcome = await ingestMessages(ctx.db, ctx.jobs, channel, messages, { cursor: cursor ?? null });
      result.stored += outcome.stored;
    } catch (error) {
      result.failed += 1;
      const reason = error instanceof Error ? error.message : String(error);
      ctx.log.warn({ channelId: channel.id, kind: channel.kind, error: reason }, 'inbox channel poll failed');
      await markChannelFailing(ctx.db, channel.id, reason);
    }
  }
  return result;
}
