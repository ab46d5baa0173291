import type { Messages } from './en.ts';
import { core } from './pt/core.ts';
import { administration } from './pt/administration.ts';
import { reports } from './pt/reports.ts';
import { budgets } from './pt/budgets.ts';
import { participation } from './pt/participation.ts';
import { inbox } from './pt/inbox.ts';
import { inboxChannels } from './pt/inbox-channels.ts';
import { inboxSources } from './pt/inbox-sources.ts';
import { inboxListening } from './pt/inbox-listening.ts';

/** pt interface strings, one file per part of the platform in ./pt/. Every key of en.ts must be here. */
export const pt: Messages = {
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
