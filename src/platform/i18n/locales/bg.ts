import type { Messages } from './en.ts';
import { core } from './bg/core.ts';
import { administration } from './bg/administration.ts';
import { reports } from './bg/reports.ts';
import { budgets } from './bg/budgets.ts';
import { participation } from './bg/participation.ts';
import { inbox } from './bg/inbox.ts';
import { inboxChannels } from './bg/inbox-channels.ts';
import { inboxSources } from './bg/inbox-sources.ts';
import { inboxListening } from './bg/inbox-listening.ts';

/** bg interface strings, one file per part of the platform in ./bg/. Every key of en.ts must be here. */
export const bg: Messages = {
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
