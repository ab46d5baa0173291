/*
 * What every turn of a Telegram report dialogue shares: the dialogue's row, the turn (chat, city,
 * language), and how the bot speaks (messages, keyboards, saving the step). The steps themselves are in
 * telegram-dialogue.ts.
 */
import type { ColumnType } from 'kysely';
import type { AppContext } from '../../../platform/context.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { isLanguage, type Language } from '../../../platform/i18n/languages.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import type { ChannelRecord } from './channel.ts';
import { sendTelegramMessage, type TelegramMessage } from './telegram.ts';
import { saveDialogueStep, type DialogueChange, type findDialogue } from './telegram-dialogue.repository.ts';

export type Step = 'category' | 'question' | 'place' | 'photo' | 'description';
/** Answers to a category's questions by question code, as the reports intake takes them. */
export type Answers = Record<string, string | string[]>;

declare module '../../../platform/db/schema.ts' {
  interface Database {
    inbox_telegram_dialogue: {
      organisation_id: number;
      channel_id: number;
      chat_id: string;
      step: Step;
      language: string;
      category_code: string | null;
      /** Which of the category's questions is asked (step `question`). */
      question_index: ColumnType<number, number | undefined, number>;
      answers: ColumnType<Answers | string, string | undefined, string>;
      lat: number | null;
      lng: number | null;
      address: string | null;
      photo_file_id: string | null;
      /** The reports module keeps the resident's photos under this token until the report is filed. */
      photo_token: ColumnType<string | null, string | null | undefined, string | null>;
      /** The chat's last update the dialogue took; a repeated delivery of it (or an older one) is not taken. */
      last_update_id: ColumnType<number | null, number | null | undefined, number | null>;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
  }
}

export type Dialogue = NonNullable<Awaited<ReturnType<typeof findDialogue>>>;

/** A dialogue left alone this long is forgotten; the next message starts afresh. */
const STALE_MS = 24 * 3600 * 1000;
/** Reports `/status` lists. */
export const STATUS_REPORTS = 10;

export interface Turn {
  ctx: AppContext;
  channel: ChannelRecord;
  organisation: Organisation;
  chatId: string;
  language: Language;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
}

/** The resident's language when the city speaks it, else the city's main language. */
export function languageFor(organisation: Organisation, code: string | undefined): Language {
  const short = code?.slice(0, 2).toLowerCase();
  if (short && organisation.languages.includes(short) && isLanguage(short)) return short;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/** Whether a text is the command (`/report`, `/report@CityBot`) or one of the given button labels. */
export function is(text: string, command: string, ...labels: string[]): boolean {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return (
    first === `/${command}` ||
    first.startsWith(`/${command}@`) ||
    labels.some((label) => label.toLowerCase() === text.trim().toLowerCase())
  );
}

export function answersOf(dialogue: Dialogue): Answers {
  const value = typeof dialogue.answers === 'string' ? (JSON.parse(dialogue.answers) as unknown) : dialogue.answers;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Answers) : {};
}

export function fresh(dialogue: Dialogue | undefined): Dialogue | undefined {
  return dialogue && Date.now() - dialogue.updated_at.getTime() < STALE_MS ? dialogue : undefined;
}

export async function send(turn: Turn, text: string, extra: Record<string, unknown> = {}): Promise<TelegramMessage> {
  return sendTelegramMessage(turn.ctx.outbound, turn.channel, turn.chatId, text, extra);
}

export async function say(
  turn: Turn,
  key: MessageKey,
  extra: Record<string, unknown> = {},
  params?: Record<string, string | number>,
): Promise<void> {
  await send(turn, turn.t(key, params), extra);
}

export const REMOVE_KEYBOARD = { reply_markup: { remove_keyboard: true } };

export function keyboard(turn: Turn, rows: string[][]): Record<string, unknown> {
  return {
    reply_markup: {
      keyboard: [
        ...rows.map((row) => row.map((text) => ({ text }))),
        [{ text: turn.t('inbox.channels.telegram.cancelButton') }],
      ],
      one_time_keyboard: true,
      resize_keyboard: true,
    },
  };
}

export async function save(turn: Turn, step: Step, change: DialogueChange = {}): Promise<void> {
  await saveDialogueStep(turn.ctx.db, turn.channel.id, turn.chatId, step, change);
}

/** A text in the resident's language (else the city's, else any). */
export function text(turn: Turn, value: Record<string, string>): string {
  return localized(value, turn.language, turn.organisation.defaultLanguage);
}

/** The public address of a report, on the city's own host when it has one. */
export function reportUrl(turn: Turn, reportId: number): string {
  return absoluteUrl(turn.ctx.config, turn.organisation, `/reports/${reportId}`);
}
