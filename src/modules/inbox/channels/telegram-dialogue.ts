import type { ColumnType } from 'kysely';
import type { AppContext } from '../../../platform/context.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { isLanguage, type Language } from '../../../platform/i18n/languages.ts';
import { localized, translator, type MessageKey } from '../../../platform/i18n/translate.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findCategories, geocoderFor, submitReport } from '../../reports/index.ts';
import type { ChannelRecord } from './channel.ts';
import { sendTelegramMessage, type TelegramMessage } from './telegram.ts';
import {
  deleteDialogue,
  findDialogue,
  saveDialogueStep,
  setConversationReport,
} from './telegram-dialogue.repository.ts';

type Step = 'category' | 'place' | 'photo' | 'description';

declare module '../../../platform/db/schema.ts' {
  interface Database {
    inbox_telegram_dialogue: {
      organisation_id: number;
      channel_id: number;
      chat_id: string;
      step: Step;
      language: string;
      category_code: string | null;
      lat: number | null;
      lng: number | null;
      address: string | null;
      photo_file_id: string | null;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
  }
}

/** A dialogue left alone this long is forgotten; the next message starts afresh. */
const STALE_MS = 24 * 3600 * 1000;

interface Turn {
  ctx: AppContext;
  channel: ChannelRecord;
  organisation: Organisation;
  chatId: string;
  language: Language;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
}

/** The resident's language when the city speaks it, else the city's main language. */
function languageFor(organisation: Organisation, code: string | undefined): Language {
  const short = code?.slice(0, 2).toLowerCase();
  if (short && organisation.languages.includes(short) && isLanguage(short)) return short;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/** Whether a text is the command (`/report`, `/report@CityBot`) or one of the given button labels. */
function is(text: string, command: string, ...labels: string[]): boolean {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return (
    first === `/${command}` ||
    first.startsWith(`/${command}@`) ||
    labels.some((label) => label.toLowerCase() === text.trim().toLowerCase())
  );
}

async function say(
  turn: Turn,
  key: MessageKey,
  extra: Record<string, unknown> = {},
  params?: Record<string, string | number>,
): Promise<void> {
  await sendTelegramMessage(turn.ctx.outbound, turn.channel, turn.chatId, turn.t(key, params), extra);
}

const REMOVE_KEYBOARD = { reply_markup: { remove_keyboard: true } };

async function setStep(
  turn: Turn,
  step: Step,
  change: {
    category_code?: string;
    lat?: number | null;
    lng?: number | null;
    address?: string | null;
    photo_file_id?: string | null;
  } = {},
): Promise<void> {
  await saveDialogueStep(
    turn.ctx.db,
    { organisationId: turn.organisation.id, channelId: turn.channel.id, chatId: turn.chatId },
    step,
    turn.language,
    change,
  );
}

async function askCategory(turn: Turn): Promise<void> {
  const categories = await findCategories(turn.ctx.db, turn.organisation.id);
  const names = categories.map((category) =>
    localized(category.name, turn.language, turn.organisation.defaultLanguage),
  );
  const list = names.map((name, index) => `${index + 1}. ${name}`).join('\n');
  await sendTelegramMessage(
    turn.ctx.outbound,
    turn.channel,
    turn.chatId,
    `${turn.t('inbox.channels.telegram.askCategory')}\n\n${list}`,
    {
      reply_markup: {
        keyboard: [
          ...names.map((name) => [{ text: name }]),
          [{ text: turn.t('inbox.channels.telegram.cancelButton') }],
        ],
        one_time_keyboard: true,
        resize_keyboard: true,
      },
    },
  );
}

async function askPlace(turn: Turn): Promise<void> {
  await say(turn, 'inbox.channels.telegram.askPlace', {
    reply_markup: {
      keyboard: [
        [{ text: turn.t('inbox.channels.telegram.locationButton'), request_location: true }],
        [{ text: turn.t('inbox.channels.telegram.cancelButton') }],
      ],
      one_time_keyboard: true,
      resize_keyboard: true,
    },
  });
}

async function askPhoto(turn: Turn): Promise<void> {
  await say(turn, 'inbox.channels.telegram.askPhoto', {
    reply_markup: {
      keyboard: [
        [{ text: turn.t('inbox.channels.telegram.skipButton') }],
        [{ text: turn.t('inbox.channels.telegram.cancelButton') }],
      ],
      one_time_keyboard: true,
      resize_keyboard: true,
    },
  });
}

/**
 * One turn of the step-by-step report: /report (or the button) asks the category, then the place (a
 * location or an address), an optional photo and a description, and files the report with the reports
 * module. The state is a row per chat, so every server process can take the next turn. The report is
 * linked to the chat's conversation, whose answers (and the report's status updates) go back to the chat.
 */
export async function continueDialogue(
  ctx: AppContext,
  channel: ChannelRecord,
  message: TelegramMessage,
  conversationId: number | undefined,
): Promise<void> {
  const organisation = await ctx.organisations.findById(channel.organisationId);
  if (!organisation) return;
  const chatId = String(message.chat.id);
  const row = await findDialogue(ctx.db, channel.id, chatId);
  const state = row && Date.now() - row.updated_at.getTime() < STALE_MS ? row : undefined;
  const language =
    state && isLanguage(state.language) ? state.language : languageFor(organisation, message.from?.language_code);
  const t = translator(language);
  const turn: Turn = { ctx, channel, organisation, chatId, language, t };
  const text = (message.text ?? message.caption ?? '').trim();

  if (is(text, 'report', t('inbox.channels.telegram.reportButton'))) {
    await setStep(turn, 'category', {
      category_code: undefined,
      lat: null,
      lng: null,
      address: null,
      photo_file_id: null,
    });
    return askCategory(turn);
  }
  if (state && is(text, 'cancel', t('inbox.channels.telegram.cancelButton'))) {
    await deleteDialogue(ctx.db, channel.id, chatId);
    return say(turn, 'inbox.channels.telegram.cancelled', REMOVE_KEYBOARD);
  }
  if (!state) {
    if (is(text, 'start') || is(text, 'help')) {
      await say(turn, 'inbox.channels.telegram.welcome', {
        reply_markup: { keyboard: [[{ text: t('inbox.channels.telegram.reportButton') }]], resize_keyboard: true },
      });
    }
    return;
  }

  if (state.step === 'category') {
    const categories = await findCategories(ctx.db, organisation.id);
    const number = /^\d{1,3}$/.test(text) ? Number(text) : 0;
    const chosen =
      categories[number - 1] ??
      categories.find((category) =>
        Object.values(category.name).some((name) => name.toLowerCase() === text.toLowerCase()),
      );
    if (!chosen) return askCategory(turn);
    await setStep(turn, 'place', { category_code: chosen.code });
    return askPlace(turn);
  }
  if (state.step === 'place') {
    if (message.location)
      await setStep(turn, 'photo', { lat: message.location.latitude, lng: message.location.longitude, address: null });
    else if (text.length >= 3 && !text.startsWith('/')) {
      // The city's address provider places a street named in the chat; an unknown one keeps the words for staff.
      const [found] = await geocoderFor(turn.organisation).search(text.slice(0, 300), 1);
      await setStep(
        turn,
        'photo',
        found
          ? { address: found.label, lat: found.lat, lng: found.lng }
          : { address: text.slice(0, 300), lat: null, lng: null },
      );
    } else return askPlace(turn);
    return askPhoto(turn);
  }
  if (state.step === 'photo') {
    const photo = message.photo?.at(-1);
    if (photo) await setStep(turn, 'description', { photo_file_id: photo.file_id });
    else if (is(text, 'skip', t('inbox.channels.telegram.skipButton'))) await setStep(turn, 'description');
    else return askPhoto(turn);
    return say(turn, 'inbox.channels.telegram.askDescription', REMOVE_KEYBOARD);
  }
  if (!text || text.startsWith('/')) return say(turn, 'inbox.channels.telegram.askDescription', REMOVE_KEYBOARD);
  return fileReport(turn, state, text, message, conversationId);
}

/** Files the collected report; a place outside the city sends the resident back to the place step. */
async function fileReport(
  turn: Turn,
  state: {
    category_code: string | null;
    lat: number | null;
    lng: number | null;
    address: string | null;
    photo_file_id: string | null;
  },
  description: string,
  message: TelegramMessage,
  conversationId: number | undefined,
): Promise<void> {
  const { ctx, organisation } = turn;
  const located = state.lat !== null && state.lng !== null;
  const outcome = await submitReport(ctx, organisation, {
    categoryCode: state.category_code ?? '',
    // an address the provider did not know is placed at the city centre; staff move it to the street named
    lat: located ? (state.lat as number) : organisation.map.lat,
    lng: located ? (state.lng as number) : organisation.map.lng,
    description: description.slice(0, 4000),
    address: state.address ?? undefined,
    authorName: [message.from?.first_name, message.from?.last_name].filter(Boolean).join(' ') || undefined,
    showName: false,
    source: 'inbox',
  });
  if ('invalid' in outcome) {
    if (outcome.invalid.some((problem) => problem.field === 'lat')) {
      await setStep(turn, 'place');
      await say(turn, 'inbox.channels.telegram.outsideCity');
      return askPlace(turn);
    }
    ctx.log.info(
      { channelId: turn.channel.id, problems: outcome.invalid.map((problem) => problem.code) },
      'telegram report refused',
    );
    await deleteDialogue(ctx.db, turn.channel.id, turn.chatId);
    return say(turn, 'inbox.channels.telegram.refused', REMOVE_KEYBOARD);
  }
  await deleteDialogue(ctx.db, turn.channel.id, turn.chatId);
  if (conversationId !== undefined) await setConversationReport(ctx.db, organisation.id, conversationId, outcome.id);
  await say(turn, 'inbox.channels.telegram.filed', REMOVE_KEYBOARD, {
    number: outcome.id,
    url: absoluteUrl(ctx.config, organisation, `/reports/${outcome.id}`),
  });
}
