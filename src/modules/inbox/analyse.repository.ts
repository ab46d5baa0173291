import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { MessageAnalysis } from './analysis/index.ts';
import './inbox.schema.ts';

/** The keywords of the city's topics that are not archived, by key. */
export async function findActiveTopicKeywords(db: Executor, organisationId: number) {
  return db
    .selectFrom('inbox_topic')
    .select(['key', 'keywords'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('key')
    .execute();
}

/** The cities with incoming messages not yet analysed. */
export async function findCitiesWithUnanalysedMessages(db: Executor): Promise<number[]> {
  return (
    await db
      .selectFrom('inbox_message')
      .select('organisation_id')
      .where('analysed_at', 'is', null)
      .where('direction', '=', 'in')
      .distinct()
      .execute()
  ).map((row) => row.organisation_id);
}

/** The city's first `limit` incoming messages not yet analysed, oldest first. */
export async function findUnanalysedMessages(db: Executor, organisationId: number, limit: number) {
  return db
    .selectFrom('inbox_message')
    .select(['id', 'conversation_id', 'subject', 'body', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .where('direction', '=', 'in')
    .where('analysed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Stores the analysis of a batch of messages in one statement (the values list joins the analysis onto
 * the rows); labels set by staff and places already known are kept.
 */
export async function updateMessageAnalyses(
  db: Executor,
  rows: ReadonlyArray<MessageAnalysis & { id: number }>,
): Promise<void> {
  await sql`
        update inbox_message m set
          language = v.language, language_confidence = v.language_confidence::real,
          sentiment = coalesce(case when m.sentiment_by is null then v.sentiment end, m.sentiment), sentiment_score = v.sentiment_score::real,
          topic = coalesce(case when m.topic_by is null then v.topic end, m.topic),
          district_id = coalesce(m.district_id, v.district_id::int), place = coalesce(m.place, v.place), analysed_at = now()
        from (values ${sql.join(rows.map((row) => sql`(${row.id}::bigint, ${row.language === 'unknown' ? null : row.language}, ${row.languageConfidence}, ${row.sentiment}, ${row.sentimentScore}, ${row.topic}, ${row.districtId}, ${row.place})`))})
          as v(id, language, language_confidence, sentiment, sentiment_score, topic, district_id, place)
        where m.id = v.id`.execute(db);
}

/**
 * Sends each new conversation among the batch's messages (no department, no assignee, this its first
 * incoming message) to the department in charge of the message's topic. Starts from the batch (not
 * from every conversation without a department): constant time per batch.
 */
export async function routeConversationsByTopic(db: Executor, messageIds: number[]): Promise<void> {
  await sql`
        with batch as materialized (select id, conversation_id, organisation_id, topic from inbox_message where id in (${sql.join(messageIds)}) and topic is not null)
        update inbox_conversation c set department_id = t.department_id
        from batch m join inbox_topic t on t.organisation_id = m.organisation_id and t.key = m.topic and t.department_id is not null
        where c.id = m.conversation_id and c.department_id is null and c.assignee_id is null
          and not exists (select 1 from inbox_message e where e.conversation_id = m.conversation_id and e.direction = 'in' and e.id < m.id)`.execute(
    db,
  );
}
