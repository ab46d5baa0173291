import type { Messages } from './en.ts';
import { core } from './it/core.ts';
import { administration } from './it/administration.ts';
import { reports } from './it/reports.ts';
import { budgets } from './it/budgets.ts';
import { participation } from './it/participation.ts';
import { inbox } from './it/inbox.ts';
import { inboxChannels } from './it/inbox-channels.ts';
import { inboxSources } from './it/inbox-sources.ts';
import { inboxListening } from './it/inbox-listening.ts';

/** it interface strings, one file per part of the platform in ./it/. Every key of en.ts must be here. */
export const it: Messages = {
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
