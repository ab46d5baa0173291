import { findChannelRecord } from '../../src/modules/inbox/channels.repository.ts';
import type { ChannelRecord } from '../../src/modules/inbox/channels/channel.ts';
import type { TestServer } from './server.ts';

/** A channel of the inbox with its credentials opened, as adapters get it; throws when there is none. */
export async function loadChannel(
  server: TestServer,
  organisationId: number,
  channelId: number,
): Promise<ChannelRecord & { enabled: boolean }> {
  const channel = await findChannelRecord(server.ctx.db, server.config.secretKey, organisationId, channelId);
  if (!channel) throw new Error(`no channel ${channelId}`);
  return channel;
}

/**
 * Runs the job queue, as the worker would, until an outgoing message has left its queue (sent or failed);
 * other jobs (the analysis of new messages) may be due first. Answers its delivery state.
 */
export async function runUntilDelivered(server: TestServer, messageId: number, rounds = 10): Promise<string | null> {
  for (let round = 0; round < rounds; round++) {
    await server.ctx.jobs.runDue();
    const row = await server.ctx.db
      .selectFrom('inbox_message')
      .select('delivery')
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
    if (row.delivery !== 'queued') return row.delivery;
  }
  return 'queued';
}
