import type { Messages } from './en.ts';
import { core } from './es/core.ts';
import { administration } from './es/administration.ts';
import { reports } from './es/reports.ts';
import { budgets } from './es/budgets.ts';
import { participation } from './es/participation.ts';
import { inbox } from './es/inbox.ts';
import { inboxChannels } from './es/inbox-channels.ts';
import { inboxSources } from './es/inbox-sources.ts';
import { inboxListening } from './es/inbox-listening.ts';

/** es interface strings, one file per part of the platform in ./es/. Every key of en.ts must be here. */
export const es: Messages = {
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
