import type { Messages } from './en.ts';
import { core } from './nl/core.ts';
import { administration } from './nl/administration.ts';
import { reports } from './nl/reports.ts';
import { budgets } from './nl/budgets.ts';
import { participation } from './nl/participation.ts';
import { inbox } from './nl/inbox.ts';
import { inboxChannels } from './nl/inbox-channels.ts';
import { inboxSources } from './nl/inbox-sources.ts';
import { inboxListening } from './nl/inbox-listening.ts';

/** nl interface strings, one file per part of the platform in ./nl/. Every key of en.ts must be here. */
export const nl: Messages = {
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
