import type { Executor } from '../../../platform/db/database.ts';
import type { Database } from '../../../platform/db/schema.ts';
import '../inbox.schema.ts';

type Dialogue = Database['inbox_telegram_dialogue'];

/** Which chat's dialogue: a Telegram channel's chat, in a city. */
export interface DialogueKey {
  organisationId: number;
  channelId: number;
  chatId: string;
}

/** What a step changes in the dialogue (the answers as JSON text). */
export interface DialogueChange {
  category_code?: string | null;
  question_index?: number;
  answers?: string;
  lat?: number | null;
  lng?: number | null;
  address?: string | null;
  photo_file_id?: string | null;
  photo_token?: string | null;
}

/**
 * Starts a chat's report dialogue afresh (forgetting one under way) as update `updateId` asks; false
 * when the chat's dialogue already took this update or a later one (Telegram delivered it again).
 */
export async function startDialogue(
  db: Executor,
  key: DialogueKey,
  language: string,
  updateId: number,
): Promise<boolean> {
  const fresh = {
    step: 'category' as const,
    language,
    category_code: null,
    question_index: 0,
    answers: '{}',
    lat: null,
    lng: null,
    address: null,
    photo_file_id: null,
    photo_token: null,
    last_update_id: updateId,
  };
  const row = await db
    .insertInto('inbox_telegram_dialogue')
    .values({ organisation_id: key.organisationId, channel_id: key.channelId, chat_id: key.chatId, ...fresh })
    .onConflict((oc) =>
      oc
        .columns(['channel_id', 'chat_id'])
        .doUpdateSet({ ...fresh, updated_at: new Date() })
        .where((eb) =>
          eb.or([
            eb('inbox_telegram_dialogue.last_update_id', 'is', null),
            eb('inbox_telegram_dialogue.last_update_id', '<', updateId),
          ]),
        ),
    )
    .returning('chat_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes update `updateId` for a chat's dialogue: answers the dialogue as it was before this update, or
 * undefined when there is none or it already took this update or a later one. Two deliveries of one
 * update at the same instant cannot both take it.
 */
export async function takeDialogueTurn(db: Executor, channelId: number, chatId: string, updateId: number) {
  const before = await findDialogue(db, channelId, chatId);
  if (!before || (before.last_update_id !== null && before.last_update_id >= updateId)) return undefined;
  const taken = await db
    .updateTable('inbox_telegram_dialogue')
    .set({ last_update_id: updateId, updated_at: new Date() })
    .where('channel_id', '=', channelId)
    .where('chat_id', '=', chatId)
    .where((eb) =>
      before.last_update_id === null
        ? eb('last_update_id', 'is', null)
        : eb('last_update_id', '=', before.last_update_id),
    )
    .returning('chat_id')
    .executeTakeFirst();
  return taken ? before : undefined;
}

/** Moves a chat's report dialogue to `step`, with what the step changed. */
export async function saveDialogueStep(
  db: Executor,
  channelId: number,
  chatId: string,
  step: Dialogue['step'],
  change: DialogueChange = {},
): Promise<void> {
  await db
    .updateTable('inbox_telegram_dialogue')
    .set({ step, updated_at: new Date(), ...change })
    .where('channel_id', '=', channelId)
    .where('chat_id', '=', chatId)
    .execute();
}

/** A chat's report dialogue, if one was started. */
export async function findDialogue(db: Executor, channelId: number, chatId: string) {
  return db
    .selectFrom('inbox_telegram_dialogue')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
}

/** Forgets a chat's report dialogue. */
export async function deleteDialogue(db: Executor, channelId: number, chatId: string): Promise<void> {
  await db
    .deleteFrom('inbox_telegram_dialogue')
    .where('channel_id', '=', channelId)
    .where('chat_id', '=', chatId)
    .execute();
}

/** Links a city's conversation to the report filed from it. */
export async function setConversationReport(
  db: Executor,
  organisationId: number,
  conversationId: number,
  reportId: number,
): Promise<void> {
  await db
    .updateTable('inbox_conversation')
    .set({ report_id: reportId })
    .where('id', '=', conversationId)
    .where('organisation_id', '=', organisationId)
    .execute();
}

/**
 * The reports filed from a chat (through the bot's dialogue) or made from its conversation by staff,
 * newest first, at most `limit`.
 */
export async function findChatReportIds(
  db: Executor,
  channelId: number,
  chatId: string,
  limit: number,
): Promise<number[]> {
  const [filed, linked] = await Promise.all([
    db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .select('m.report_id')
      .where('c.channel_id', '=', channelId)
      .where('c.thread_key', '=', chatId)
      .where('m.report_id', 'is not', null)
      .orderBy('m.report_id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('inbox_conversation')
      .select('report_id')
      .where('channel_id', '=', channelId)
      .where('thread_key', '=', chatId)
      .where('report_id', 'is not', null)
      .execute(),
  ]);
  const ids = new Set([...filed, ...linked].map((row) => row.report_id).filter((id): id is number => id !== null));
  return [...ids].sort((a, b) => b - a).slice(0, limit);
}
