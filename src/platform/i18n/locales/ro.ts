import type { Messages } from './en.ts';
import { core } from './ro/core.ts';
import { administration } from './ro/administration.ts';
import { reports } from './ro/reports.ts';
import { budgets } from './ro/budgets.ts';
import { participation } from './ro/participation.ts';
import { inbox } from './ro/inbox.ts';
import { inboxChannels } from './ro/inbox-channels.ts';
import { inboxSources } from './ro/inbox-sources.ts';
import { inboxListening } from './ro/inbox-listening.ts';

/** ro interface strings, one file per part of the platform in ./ro/. Every key of en.ts must be here. */
export const ro: Messages = {
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
