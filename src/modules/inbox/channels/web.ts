import type { AppContext } from '../../../platform/context.ts';
import { findChannelRecord, findOrCreateWebChannel } from '../channels.repository.ts';
import { registerContactPages } from '../pages/contact.pages.ts';
import { ChannelError, type ChannelAdapter, type ChannelRecord } from './channel.ts';
import { isEmail } from '../../../platform/validation.ts';

/**
 * The city's own "contact the city" form (/contact) as a channel. Residents write without an account;
 * the e-mail address they give is the author's id on this channel (lower-cased, so one person is one
 * author however they type it), and answers go back to it through the platform mailer, which keeps
 * every mail in the outbox and retries delivery.
 */
export const webAdapter: ChannelAdapter = {
  kind: 'web',
  fields: [],
  routes(app, ctx, inbox) {
    registerContactPages(app, ctx, inbox, ensureWebChannel);
  },
  async reply(channel, reply, _signal, ctx) {
    const to = (reply.to.email ?? reply.to.externalId).trim();
    if (!isEmail(to)) throw new ChannelError('The person left no e-mail address to answer to.', { retryable: false });
    const subject = reply.subject ? `Re: ${reply.subject.replace(/^re:\s*/i, '')}` : 'Re:';
    const mailId = await ctx.mail.send({
      organisationId: channel.organisationId,
      to,
      subject: subject.slice(0, 200),
      text: reply.text,
      automatic: false,
    });
    return { externalId: `mail:${mailId}` };
  },
  async health() {
    return { ok: true };
  },
};

/**
 * The city's contact-form channel, created on first use: one per city (an advisory lock keeps two
 * first posts at the same instant from creating two). Returns undefined when administrators have
 * switched it off.
 */
export async function ensureWebChannel(ctx: AppContext, organisationId: number): Promise<ChannelRecord | undefined> {
  const id = await findOrCreateWebChannel(ctx.db, ctx.config.secretKey, organisationId);
  const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, organisationId, id, 'web');
  return channel?.enabled ? channel : undefined;
}
