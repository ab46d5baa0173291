import type { FirstStep } from '../../platform/module.ts';
import { findChannelLabels } from './channels.repository.ts';

/** The channels the inbox has by itself (the contact form, imports); the checklist asks for one more. */
const BUILT_IN = new Set(['web', 'import']);

/** The inbox's step of a new city's checklist: a channel residents write on (e-mail, Telegram, Mastodon…). */
export const inboxFirstSteps: readonly FirstStep[] = [
  {
    key: 'channels',
    order: 40,
    label: 'inbox.channels.nav',
    hint: 'inbox.firstSteps.channels.hint',
    href: '/admin/inbox/channels',
    async done(ctx, organisationId) {
      return (await findChannelLabels(ctx.db, organisationId)).some((channel) => !BUILT_IN.has(channel.kind));
    },
  },
];
