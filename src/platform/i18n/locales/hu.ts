import type { Messages } from './en.ts';
import { core } from './hu/core.ts';
import { administration } from './hu/administration.ts';
import { reports } from './hu/reports.ts';
import { budgets } from './hu/budgets.ts';
import { participation } from './hu/participation.ts';
import { inbox } from './hu/inbox.ts';
import { inboxChannels } from './hu/inbox-channels.ts';
import { inboxSources } from './hu/inbox-sources.ts';
import { inboxListening } from './hu/inbox-listening.ts';

/** hu interface strings, one file per part of the platform in ./hu/. Every key of en.ts must be here. */
export const hu: Messages = {
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
