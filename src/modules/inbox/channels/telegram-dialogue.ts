import type { AppContext } from '../../../platform/context.ts';
import { isLanguage } from '../../../platform/i18n/languages.ts';
import { translator, type MessageKey } from '../../../platform/i18n/translate.ts';
import {
  attachPendingPhotos,
  checkAnswers,
  countPendingPhotos,
  findCategories,
  findQuestions,
  findReports,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS,
  preparePhoto,
  storePendingPhotos,
  submitReport,
  type Category,
  type Question,
} from '../../reports/index.ts';
import { geocoderFor } from '../../places/index.ts';
import { ingestMessagesIn } from '../ingest.ts';
import type { ChannelRecord } from './channel.ts';
import {
  callTelegram,
  downloadTelegramFile,
  telegramToMessage,
  type TelegramCallbackQuery,
  type TelegramMessage,
  type TelegramUpdate,
} from './telegram.ts';
import {
  deleteDialogue,
  findChatReportIds,
  findDialogue,
  setConversationReport,
  startDialogue,
  takeDialogueTurn,
} from './telegram-dialogue.repository.ts';
import {
  type Answers,
  type Dialogue,
  STATUS_REPORTS,
  type Turn,
  languageFor,
  is,
  answersOf,
  fresh,
  send,
  say,
  REMOVE_KEYBOARD,
  keyboard,
  save,
  text,
  reportUrl,
} from './telegram-turn.ts';

async function askCategory(turn: Turn): Promise<void> {
  const categories = await findCategories(turn.ctx.db, turn.organisation.id);
  const names = categories.map((category) => text(turn, category.name));
  const list = names.map((name, index) => `${index + 1}. ${name}`).join('\n');
  await send(
    turn,
    `${turn.t('inbox.channels.telegram.askCategory')}\n\n${list}`,
    keyboard(
      turn,
      names.map((name) => [name]),
    ),
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
  await say(turn, 'inbox.channels.telegram.askPhoto', keyboard(turn, [[turn.t('inbox.channels.telegram.skipButton')]]));
}

const isChoice = (question: Question) =>
  question.datatype === 'singlevaluelist' || question.datatype === 'multivaluelist';

/** The buttons of a choice question: one per option (ticked when chosen), then Done or Skip, and Cancel. */
function questionButtons(turn: Turn, question: Question, index: number, chosen: string[]) {
  const many = question.datatype === 'multivaluelist';
  const button = (label: string, action: string) => ({ text: label, callback_data: `q${index}:${action}` });
  return {
    inline_keyboard: [
      ...question.options.map((option, n) => [
        button(`${many && chosen.includes(option.key) ? '✓ ' : ''}${text(turn, option.name)}`, String(n)),
      ]),
      ...(many ? [[button(turn.t('inbox.channels.telegram.doneButton'), 'done')]] : []),
      ...(!many && !question.required ? [[button(turn.t('inbox.channels.telegram.skipButton'), 'skip')]] : []),
      [button(turn.t('inbox.channels.telegram.cancelButton'), 'cancel')],
    ],
  };
}

/**
 * Asks one of the category's questions, as the report form would: its label and help; the options as
 * inline-keyboard buttons (several may be ticked for a multiple choice, then Done), listed with numbers
 * too so that they can be typed; any other answer is typed. An optional question can be skipped.
 */
async function askQuestion(turn: Turn, question: Question, index: number, answers: Answers): Promise<void> {
  const lines = [text(turn, question.label) || question.code];
  const help = text(turn, question.help);
  if (help) lines.push(help);
  if (isChoice(question)) {
    lines.push('', ...question.options.map((option, n) => `${n + 1}. ${text(turn, option.name)}`), '');
    lines.push(
      turn.t(
        question.datatype === 'multivaluelist'
          ? 'inbox.channels.telegram.chooseMany'
          : 'inbox.channels.telegram.chooseOne',
      ),
    );
    const chosen = [answers[question.code] ?? []].flat();
    await send(turn, lines.join('\n'), { reply_markup: questionButtons(turn, question, index, chosen) });
    return;
  }
  if (question.datatype === 'datetime')
    lines.push(turn.t('inbox.channels.telegram.dateHint', { example: new Date().toISOString().slice(0, 10) }));
  if (question.datatype === 'number') lines.push(turn.t('inbox.channels.telegram.numberHint'));
  if (!question.required) lines.push(turn.t('inbox.channels.telegram.optionalHint'));
  await send(
    turn,
    lines.join('\n'),
    keyboard(turn, question.required ? [] : [[turn.t('inbox.channels.telegram.skipButton')]]),
  );
}

/** The chosen category (by code) and its questions, in order; undefined when it is no longer offered. */
async function categoryWithQuestions(
  turn: Turn,
  code: string | null,
): Promise<{ category: Category; questions: Question[] } | undefined> {
  const category = (await findCategories(turn.ctx.db, turn.organisation.id)).find((c) => c.code === code);
  if (!category) return undefined;
  return { category, questions: await findQuestions(turn.ctx.db, category.id) };
}

/** Goes on after question `index` was answered (or skipped): the next question, else the place. */
async function nextQuestion(turn: Turn, questions: Question[], index: number, answers: Answers): Promise<void> {
  const next = questions[index + 1];
  if (next) {
    await save(turn, 'question', { question_index: index + 1, answers: JSON.stringify(answers) });
    return askQuestion(turn, next, index + 1, answers);
  }
  await save(turn, 'place', { answers: JSON.stringify(answers) });
  return askPlace(turn);
}

/**
 * Checks one answer with the reports intake's own rules (required, a number, a date, one of the
 * options) and goes on, or says what is wrong (in the words of the report form) and asks again.
 */
async function acceptAnswer(
  turn: Turn,
  questions: Question[],
  index: number,
  answers: Answers,
  value: string | string[] | undefined,
): Promise<void> {
  const question = questions[index] as Question;
  const given = value === undefined || (Array.isArray(value) && value.length === 0) ? {} : { [question.code]: value };
  const [problem] = checkAnswers([question], given);
  if (problem) {
    const label = text(turn, question.label) || question.code;
    await say(
      turn,
      problem.code === 'REPORT_MISSING_ANSWER' ? 'reports.error.answerMissing' : 'reports.error.answerInvalid',
      {},
      { question: label },
    );
    return askQuestion(turn, question, index, answers);
  }
  const { [question.code]: _previous, ...others } = answers;
  return nextQuestion(turn, questions, index, { ...others, ...given });
}

/** The option keys a typed answer names: numbers or option names (in any language), separated by commas. */
function optionsNamed(question: Question, typed: string): string[] | undefined {
  const parts = question.datatype === 'multivaluelist' ? typed.split(/[,;]/) : [typed];
  const keys: string[] = [];
  for (const part of parts.map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const number = /^\d{1,3}$/.test(part) ? Number(part) : 0;
    const option =
      question.options[number - 1] ??
      question.options.find(
        (o) => o.key.toLowerCase() === part || Object.values(o.name).some((name) => name.toLowerCase() === part),
      );
    if (!option) return undefined;
    if (!keys.includes(option.key)) keys.push(option.key);
  }
  return keys.length > 0 ? keys : undefined;
}

/** A typed answer to the question being asked. */
async function answerTyped(turn: Turn, dialogue: Dialogue, typed: string): Promise<void> {
  const found = await categoryWithQuestions(turn, dialogue.category_code);
  const index = dialogue.question_index;
  const question = found?.questions[index];
  if (!found || !question) {
    await save(turn, 'place');
    return askPlace(turn);
  }
  const answers = answersOf(dialogue);
  if (!question.required && is(typed, 'skip', turn.t('inbox.channels.telegram.skipButton')))
    return acceptAnswer(turn, found.questions, index, answers, undefined);
  if (isChoice(question)) {
    const keys = optionsNamed(question, typed);
    // a name that is no option is refused by the intake's check, as a wrong choice on the form is
    const value = keys ? (question.datatype === 'multivaluelist' ? keys : keys[0]) : typed;
    return acceptAnswer(turn, found.questions, index, answers, value);
  }
  // a decimal comma ("12,5") is how most of the city's languages write a number
  const value = question.datatype === 'number' ? typed.replace(/^(-?\d+),(\d+)$/, '$1.$2') : typed;
  return acceptAnswer(turn, found.questions, index, answers, value);
}

/** Takes the photo a resident sent; false (after saying why) when it cannot be used. */
async function keepPhoto(turn: Turn, dialogue: Dialogue, fileId: string): Promise<string | false> {
  const { ctx, channel, organisation } = turn;
  const token = dialogue.photo_token ?? undefined;
  if (token && (await countPendingPhotos(ctx.db, organisation.id, token)) >= MAX_PHOTOS) return token;
  const file = await downloadTelegramFile(ctx.outbound, channel, fileId, MAX_PHOTO_BYTES);
  if (!file.ok) {
    await say(
      turn,
      file.reason === 'too_large'
        ? 'inbox.channels.telegram.photoTooLarge'
        : 'inbox.channels.telegram.photoUnavailable',
    );
    return false;
  }
  // cleaned like a photo sent from the report form: every piece of metadata (the place it was taken) removed
  const photo = preparePhoto(file.data);
  if ('error' in photo) {
    await say(
      turn,
      photo.error === 'PHOTO_NOT_IMAGE'
        ? 'inbox.channels.telegram.photoNotImage'
        : 'inbox.channels.telegram.photoTooLarge',
    );
    return false;
  }
  return (await storePendingPhotos(ctx.db, organisation.id, null, [photo], token)) ?? false;
}

/** The photo in a message: the largest size of a photo, or a picture sent as a file. */
function photoIn(message: TelegramMessage): string | undefined {
  const photo = message.photo?.at(-1)?.file_id;
  if (photo) return photo;
  const document = message.document;
  return document?.mime_type?.startsWith('image/') ? document.file_id : undefined;
}

/** Lists the reports filed from this chat with their state, newest first, in the resident's language. */
async function tellStatus(turn: Turn): Promise<void> {
  const { ctx, channel, organisation, chatId, t } = turn;
  const ids = await findChatReportIds(ctx.db, channel.id, chatId, STATUS_REPORTS);
  const reports =
    ids.length === 0 ? [] : await findReports(ctx.db, organisation.id, { ids, limit: STATUS_REPORTS, order: 'newest' });
  if (reports.length === 0) return say(turn, 'inbox.channels.telegram.statusNone');
  const lines = reports.map((report) =>
    t('inbox.channels.telegram.statusLine', {
      id: report.id,
      category: text(turn, report.categoryName),
      status: t(`reports.status.${report.status}` as MessageKey),
      url: reportUrl(turn, report.id),
    }),
  );
  await send(turn, `${t('inbox.channels.telegram.statusTitle')}\n\n${lines.join('\n\n')}`);
}

/** Runs a turn's work; a failure (the Bot API down, say) is logged, and the resident may send again. */
async function act(turn: Turn, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    turn.ctx.log.warn(
      { channelId: turn.channel.id, error: error instanceof Error ? error.message : String(error) },
      'telegram dialogue step failed',
    );
  }
}

/**
 * One message to the bot. /report (or its button) starts the step-by-step report: the category, its
 * questions, the place (a location or an address), an optional photo and a description; then the report
 * is filed with the reports module. /status lists the chat's reports with their state; /start and /help
 * greet; /cancel (or its button) stops a report under way. The state is a row per chat, so every server
 * process can take the next turn, and each update is taken once however often Telegram delivers it.
 *
 * Answers whether the message was the bot's: the commands and every message while a report is under way
 * are, and are not stored in the inbox (the report is, as one message, when it is filed). Any other
 * message is for the city's staff: false, and the webhook stores it.
 */
export async function continueDialogue(
  ctx: AppContext,
  channel: ChannelRecord,
  update: TelegramUpdate,
  message: TelegramMessage,
): Promise<boolean> {
  const organisation = await ctx.organisations.findById(channel.organisationId);
  if (!organisation) return false;
  const chatId = String(message.chat.id);
  const state = fresh(await findDialogue(ctx.db, channel.id, chatId));
  const language =
    state && isLanguage(state.language) ? state.language : languageFor(organisation, message.from?.language_code);
  const t = translator(language);
  const turn: Turn = { ctx, channel, organisation, chatId, language, t };
  const typed = (message.text ?? message.caption ?? '').trim();

  if (is(typed, 'report', t('inbox.channels.telegram.reportButton'))) {
    await act(turn, async () => {
      const key = { organisationId: organisation.id, channelId: channel.id, chatId };
      if (await startDialogue(ctx.db, key, language, update.update_id)) await askCategory(turn);
    });
    return true;
  }
  if (is(typed, 'status')) {
    await act(turn, () => tellStatus(turn));
    return true;
  }
  if (is(typed, 'start') || is(typed, 'help')) {
    await act(turn, () =>
      say(turn, 'inbox.channels.telegram.welcome', {
        reply_markup: { keyboard: [[{ text: t('inbox.channels.telegram.reportButton') }]], resize_keyboard: true },
      }),
    );
    return true;
  }
  if (!state) return false;
  if (is(typed, 'cancel', t('inbox.channels.telegram.cancelButton'))) {
    await act(turn, async () => {
      await deleteDialogue(ctx.db, channel.id, chatId);
      await say(turn, 'inbox.channels.telegram.cancelled', REMOVE_KEYBOARD);
    });
    return true;
  }
  await act(turn, async () => {
    const dialogue = await takeDialogueTurn(ctx.db, channel.id, chatId, update.update_id);
    if (dialogue) await step(turn, dialogue, update, message, typed);
  });
  return true;
}

async function step(
  turn: Turn,
  dialogue: Dialogue,
  update: TelegramUpdate,
  message: TelegramMessage,
  typed: string,
): Promise<void> {
  const { ctx, organisation, t } = turn;
  switch (dialogue.step) {
    case 'category': {
      const categories = await findCategories(ctx.db, organisation.id);
      const number = /^\d{1,3}$/.test(typed) ? Number(typed) : 0;
      const chosen =
        categories[number - 1] ??
        categories.find((category) =>
          Object.values(category.name).some((name) => name.toLowerCase() === typed.toLowerCase()),
        );
      if (!chosen) return askCategory(turn);
      const questions = await findQuestions(ctx.db, chosen.id);
      const first = questions[0];
      if (first) {
        await save(turn, 'question', { category_code: chosen.code, question_index: 0, answers: '{}' });
        return askQuestion(turn, first, 0, {});
      }
      await save(turn, 'place', { category_code: chosen.code, answers: '{}' });
      return askPlace(turn);
    }
    case 'question':
      return answerTyped(turn, dialogue, typed);
    case 'place': {
      if (message.location)
        await save(turn, 'photo', { lat: message.location.latitude, lng: message.location.longitude, address: null });
      else if (typed.length >= 3 && !typed.startsWith('/')) {
        // The city's address provider places a street named in the chat; an unknown one keeps the words for staff.
        const geocoder = await geocoderFor(turn.ctx, organisation);
        const [found] = await geocoder.search(typed.slice(0, 300), organisation.defaultLanguage, 1);
        await save(
          turn,
          'photo',
          found
            ? { address: found.label, lat: found.lat, lng: found.lng }
            : { address: typed.slice(0, 300), lat: null, lng: null },
        );
      } else return askPlace(turn);
      return askPhoto(turn);
    }
    case 'photo': {
      const fileId = photoIn(message);
      if (fileId) {
        const token = await keepPhoto(turn, dialogue, fileId);
        if (token === false) return askPhoto(turn);
        await save(turn, 'description', { photo_file_id: fileId, photo_token: token });
      } else if (is(typed, 'skip', t('inbox.channels.telegram.skipButton'))) await save(turn, 'description');
      else return askPhoto(turn);
      return say(turn, 'inbox.channels.telegram.askDescription', REMOVE_KEYBOARD);
    }
    case 'description': {
      // another photo (an album arrives one message per photo) is kept too, up to the report form's limit
      const fileId = photoIn(message);
      if (fileId) {
        const token = await keepPhoto(turn, dialogue, fileId);
        if (token !== false && token !== dialogue.photo_token) await save(turn, 'description', { photo_token: token });
        if (token === false || !message.caption?.trim()) return say(turn, 'inbox.channels.telegram.askDescription');
        return fileReport(turn, { ...dialogue, photo_token: token }, message.caption.trim(), update, message);
      }
      if (!typed || typed.startsWith('/')) return say(turn, 'inbox.channels.telegram.askDescription', REMOVE_KEYBOARD);
      return fileReport(turn, dialogue, typed, update, message);
    }
  }
}

/**
 * A press on a question's button (`q<question>:<option>`, `done`, `skip`, `cancel`). Telegram waits for
 * every press to be answered (answerCallbackQuery); a button of a question already answered (or of a
 * dialogue that ended) is answered with a short note and does nothing else.
 */
export async function pressButton(
  ctx: AppContext,
  channel: ChannelRecord,
  updateId: number,
  query: TelegramCallbackQuery,
): Promise<void> {
  const organisation = await ctx.organisations.findById(channel.organisationId);
  const chat = query.message?.chat.id;
  if (!organisation || typeof chat !== 'number') return;
  const chatId = String(chat);
  const state = fresh(await findDialogue(ctx.db, channel.id, chatId));
  const language =
    state && isLanguage(state.language) ? state.language : languageFor(organisation, query.from?.language_code);
  const t = translator(language);
  const turn: Turn = { ctx, channel, organisation, chatId, language, t };
  const answer = (text?: string) =>
    callTelegram(
      ctx.outbound,
      channel,
      'answerCallbackQuery',
      { callback_query_id: query.id, ...(text ? { text } : {}) },
      AbortSignal.timeout(15_000),
    );
  await act(turn, async () => {
    const match = /^q(\d{1,3}):(\d{1,3}|done|skip|cancel)$/.exec(query.data ?? '');
    const dialogue = state && match ? await takeDialogueTurn(ctx.db, channel.id, chatId, updateId) : undefined;
    const index = Number(match?.[1]);
    const action = match?.[2] ?? '';
    const found =
      dialogue?.step === 'question' && dialogue.question_index === index
        ? await categoryWithQuestions(turn, dialogue.category_code)
        : undefined;
    const question = found?.questions[index];
    const option = /^\d+$/.test(action) ? question?.options[Number(action)] : undefined;
    const many = question?.datatype === 'multivaluelist';
    const known =
      action === 'cancel' ||
      (question !== undefined &&
        isChoice(question) &&
        (option !== undefined || (action === 'done' && many) || (action === 'skip' && !many && !question.required)));
    if (!dialogue || !found || !question || !known) {
      await answer(t('inbox.channels.telegram.staleButton'));
      return;
    }
    await answer();
    const buttonsMessage = query.message as NonNullable<TelegramCallbackQuery['message']>;
    /** Shows the answer under the question in the chat, without its buttons. */
    const settle = async (chosen: string) => {
      try {
        await callTelegram(
          ctx.outbound,
          channel,
          'editMessageText',
          {
            chat_id: chatId,
            message_id: buttonsMessage.message_id,
            text: `${buttonsMessage.text ?? ''}\n\n→ ${chosen}`,
          },
          AbortSignal.timeout(15_000),
        );
      } catch {
        // the question stays as it was; the dialogue goes on
      }
    };
    if (action === 'cancel') {
      await deleteDialogue(ctx.db, channel.id, chatId);
      await settle(t('inbox.channels.telegram.cancelButton'));
      return say(turn, 'inbox.channels.telegram.cancelled', REMOVE_KEYBOARD);
    }
    const answers = answersOf(dialogue);
    if (many && option) {
      const chosen = [answers[question.code] ?? []].flat();
      const next = chosen.includes(option.key) ? chosen.filter((key) => key !== option.key) : [...chosen, option.key];
      const changed = { ...answers, [question.code]: next };
      await save(turn, 'question', { answers: JSON.stringify(changed) });
      try {
        await callTelegram(
          ctx.outbound,
          channel,
          'editMessageReplyMarkup',
          {
            chat_id: chatId,
            message_id: buttonsMessage.message_id,
            reply_markup: questionButtons(turn, question, index, next),
          },
          AbortSignal.timeout(15_000),
        );
      } catch {
        // the tick shows at the next press; the choice is kept either way
      }
      return;
    }
    const value = many ? [answers[question.code] ?? []].flat() : option?.key;
    const names = [value ?? []]
      .flat()
      .map((key) => question.options.find((o) => o.key === key))
      .map((o) => (o ? text(turn, o.name) : ''));
    await settle(names.join(', ') || t('inbox.channels.telegram.skipButton'));
    return acceptAnswer(turn, found.questions, index, answers, value);
  });
}

/**
 * Files the collected report with the reports module (validated like the report form: category,
 * answers, place, description), with the photos kept on the way, and stores it in the inbox as one
 * message of the chat's conversation — the report's description, linked to the report — in the same
 * transaction. A place outside the city sends the resident back to the place step.
 */
async function fileReport(
  turn: Turn,
  dialogue: Dialogue,
  description: string,
  update: TelegramUpdate,
  message: TelegramMessage,
): Promise<void> {
  const { ctx, organisation, channel } = turn;
  const located = dialogue.lat !== null && dialogue.lng !== null;
  const outcome = await submitReport(ctx, organisation, {
    categoryCode: dialogue.category_code ?? '',
    // an address the provider did not know is placed at the city centre; staff move it to the street named
    lat: located ? (dialogue.lat as number) : organisation.map.lat,
    lng: located ? (dialogue.lng as number) : organisation.map.lng,
    description: description.slice(0, 4000),
    address: dialogue.address ?? undefined,
    answers: answersOf(dialogue),
    authorName: [message.from?.first_name, message.from?.last_name].filter(Boolean).join(' ') || undefined,
    showName: false,
    source: 'inbox',
    afterInsert: async (tx, reportId) => {
      if (dialogue.photo_token) await attachPendingPhotos(tx, organisation.id, dialogue.photo_token, reportId);
      const filed = await ingestMessagesIn(tx, ctx.jobs, channel, [
        {
          ...telegramToMessage(update, message),
          text: description,
          location: located ? { lat: dialogue.lat as number, lng: dialogue.lng as number } : undefined,
          reportId,
        },
      ]);
      const conversationId = filed.conversationIds[0];
      if (conversationId !== undefined) await setConversationReport(tx, organisation.id, conversationId, reportId);
    },
  });
  if ('invalid' in outcome) {
    if (outcome.invalid.some((problem) => problem.field === 'lat')) {
      await save(turn, 'place');
      await say(turn, 'inbox.channels.telegram.outsideCity');
      return askPlace(turn);
    }
    ctx.log.info(
      { channelId: channel.id, problems: outcome.invalid.map((problem) => problem.code) },
      'telegram report refused',
    );
    await deleteDialogue(ctx.db, channel.id, turn.chatId);
    return say(turn, 'inbox.channels.telegram.refused', REMOVE_KEYBOARD);
  }
  await deleteDialogue(ctx.db, channel.id, turn.chatId);
  await say(turn, 'inbox.channels.telegram.filed', REMOVE_KEYBOARD, {
    number: outcome.id,
    url: reportUrl(turn, outcome.id),
  });
}
