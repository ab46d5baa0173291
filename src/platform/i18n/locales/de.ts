import type { Messages } from './en.ts';
import { core } from './de/core.ts';
import { administration } from './de/administration.ts';
import { reports } from './de/reports.ts';
import { budgets } from './de/budgets.ts';
import { participation } from './de/participation.ts';
import { inbox } from './de/inbox.ts';
import { inboxChannels } from './de/inbox-channels.ts';
import { inboxSources } from './de/inbox-sources.ts';
import { inboxListening } from './de/inbox-listening.ts';

/** de interface strings, one file per part of the platform in ./de/. Every key of en.ts must be here. */
export const de: Messages = {
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
