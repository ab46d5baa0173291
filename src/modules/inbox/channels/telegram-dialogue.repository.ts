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

/** Moves a chat's report dialogue to `step`, starting it when there is none, with the changed answers. */
export async function saveDialogueStep(
  db: Executor,
  key: DialogueKey,
  step: Dialogue['step'],
  language: string,
  change: {
    category_code?: string;
    lat?: number | null;
    lng?: number | null;
    address?: string | null;
    photo_file_id?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('inbox_telegram_dialogue')
    .values({
      organisation_id: key.organisationId,
      channel_id: key.channelId,
      chat_id: key.chatId,
      step,
      language,
      category_code: null,
      lat: null,
      lng: null,
      address: null,
      photo_file_id: null,
      ...change,
    })
    .onConflict((oc) =>
      oc.columns(['channel_id', 'chat_id']).doUpdateSet({ step, language, updated_at: new Date(), ...change }),
    )
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
