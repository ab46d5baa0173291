import type { Messages } from './en.ts';
import { core } from './fr/core.ts';
import { administration } from './fr/administration.ts';
import { reports } from './fr/reports.ts';
import { budgets } from './fr/budgets.ts';
import { participation } from './fr/participation.ts';
import { inbox } from './fr/inbox.ts';
import { inboxChannels } from './fr/inbox-channels.ts';
import { inboxSources } from './fr/inbox-sources.ts';
import { inboxListening } from './fr/inbox-listening.ts';

/** fr interface strings, one file per part of the platform in ./fr/. Every key of en.ts must be here. */
export const fr: Messages = {
  ...core,
  ...administration,
  ...reports,
  ...budgets,
  ...participation,
  ...inbox,
  ...inboxChannels,
  ...inboxSources,
  ...inboxListening,
};
