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
