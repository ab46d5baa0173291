import type { Translated } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Sentiment } from './inbox.schema.ts';
import './inbox.schema.ts';

/* The labels of incoming messages: the city's topics, and staff's sentiment and topic for a message. */

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The city's topics (not archived), for filters and relabelling. */
export async function findTopics(
  db: Executor,
  organisationId: number,
): Promise<Array<{ key: string; names: Translated }>> {
  const rows = await db
    .selectFrom('inbox_topic')
    .select(['key', 'names'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('key')
    .execute();
  return rows.map((row) => ({ key: row.key, names: json<Translated>(row.names) }));
}

/** An incoming message of a conversation (`liveOnly`: not erased), with what relabelling needs. */
export async function findIncomingMessage(
  db: Executor,
  conversationId: number,
  messageId: number,
  options: { liveOnly: boolean },
) {
  let query = db
    .selectFrom('inbox_message')
    .select(['id', 'body', 'language', 'sentiment', 'topic'])
    .where('id', '=', messageId)
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'in');
  if (options.liveOnly) query = query.where('erased_at', 'is', null);
  return query.executeTakeFirst();
}

/** Stores staff's labels of a message (who set each). */
export async function updateMessageLabels(
  db: Executor,
  messageId: number,
  labels: { sentiment?: { value: Sentiment; by: number }; topic?: { value: string; by: number } },
): Promise<void> {
  await db
    .updateTable('inbox_message')
    .set({
      ...(labels.sentiment ? { sentiment: labels.sentiment.value, sentiment_by: labels.sentiment.by } : {}),
      ...(labels.topic ? { topic: labels.topic.value, topic_by: labels.topic.by } : {}),
    })
    .where('id', '=', messageId)
    .execute();
}

/**
 * The city's latest incoming messages of conversations still open (not done), not erased and already
 * analysed, with what re-analysis needs: the ones a correction may bear on. At most `limit`.
 */
export async function findOpenAnalysedMessages(db: Executor, organisationId: number, limit: number) {
  return db
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.subject',
      'm.body',
      'm.lat',
      'm.lng',
      'm.language',
      'm.sentiment',
      'm.sentiment_by',
      'm.topic',
      'm.topic_by',
    ])
    .where('m.organisation_id', '=', organisationId)
    .where('m.direction', '=', 'in')
    .where('m.erased_at', 'is', null)
    .where('m.analysed_at', 'is not', null)
    .where('c.status', '!=', 'done')
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Sends a conversation nobody is assigned to to the department in charge of `topic` (when the topic
 * has one); returns the department it went to, or null when it stayed where it was.
 */
export async function routeConversationToTopic(
  db: Executor,
  organisationId: number,
  conversationId: number,
  topic: string,
): Promise<number | null> {
  const row = await db
    .updateTable('inbox_conversation as c')
    .from('inbox_topic as t')
    .set((eb) => ({ department_id: eb.ref('t.department_id') }))
    .whereRef('t.organisation_id', '=', 'c.organisation_id')
    .where('t.key', '=', topic)
    .where('t.archived_at', 'is', null)
    .where('t.department_id', 'is not', null)
    .where('c.id', '=', conversationId)
    .where('c.organisation_id', '=', organisationId)
    .where('c.assignee_id', 'is', null)
    .returning('c.department_id')
    .executeTakeFirst();
  return row?.department_id ?? null;
}
