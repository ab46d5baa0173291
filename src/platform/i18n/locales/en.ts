import { core } from './en/core.ts';
import { administration } from './en/administration.ts';
import { reports } from './en/reports.ts';
import { budgets } from './en/budgets.ts';
import { participation } from './en/participation.ts';
import { inbox } from './en/inbox.ts';
import { inboxChannels } from './en/inbox-channels.ts';
import { inboxSources } from './en/inbox-sources.ts';
import { inboxListening } from './en/inbox-listening.ts';

/**
 * English interface strings: the source catalogue, one file per part of the platform in ./en/. Every
 * other language must define every key (the `Messages` type makes a missing key a type error, and
 * test/i18n.test.ts checks the placeholders match).
 */
export const en = {
  ...core,
  ...administration,
  ...reports,
  ...budgets,
  ...participation,
  ...inbox,
  ...inboxChannels,
  ...inboxSources,
  ...inboxListening,
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
