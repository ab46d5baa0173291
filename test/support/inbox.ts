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
