import type { Messages } from './en.ts';
import { core } from './et/core.ts';
import { administration } from './et/administration.ts';
import { reports } from './et/reports.ts';
import { budgets } from './et/budgets.ts';
import { participation } from './et/participation.ts';
import { inbox } from './et/inbox.ts';
import { inboxChannels } from './et/inbox-channels.ts';
import { inboxSources } from './et/inbox-sources.ts';
import { inboxListening } from './et/inbox-listening.ts';

/** et interface strings, one file per part of the platform in ./et/. Every key of en.ts must be here. */
export const et: Messages = {
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
