import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistrictsWithGeometry } from '../places/index.ts';
import { geocoderFor } from '../reports/index.ts';
import {
  analyseMessage,
  classifierFor,
  containsPoint,
  DEFAULT_TOPICS,
  type AnalysisContext,
  type Gazetteer,
  type TopicRule,
} from './analysis/index.ts';
import { ANALYSE_JOB } from './ingest.ts';
import './inbox.schema.ts';

const BATCH = 200;
/** Batches per job run; more waiting messages are left to a follow-up run so one job never runs for long. */
const BATCHES_PER_RUN = 25;

/** The city's topics as the classifier reads them: its own list, or the shipped defaults while it has none. */
export async function topicRulesFor(db: Executor, organisationId: number): Promise<TopicRule[]> {
  const rows = await db
    .selectFrom('inbox_topic')
    .select(['key', 'keywords'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('key')
    .execute();
  if (rows.length === 0) return [...DEFAULT_TOPICS];
  return rows.map((row) => ({
    key: row.key,
    keywords: typeof row.keywords === 'string' ? (JSON.parse(row.keywords) as TopicRule['keywords']) : row.keywords,
  }));
}

/**
 * The places a message can name: the city's districts (every language's name, with their shapes) and
 * the streets its address provider knows, each placed in the district that contains its middle.
 */
export async function gazetteerFor(db: Executor, organisation: Organisation): Promise<Gazetteer> {
  const districts = (await findDistrictsWithGeometry(db, organisation.id)).filter(
    (district) => district.kind === 'district',
  );
  const streets = geocoderFor(organisation)
    .streets()
    .flatMap((street) => {
      const district = districts.find((candidate) => containsPoint(candidate.geometry, street.lng, street.lat));
      return district ? [{ name: street.label, districtId: district.id }] : [];
    });
  return {
    districts: districts.map((district) => ({
      id: district.id,
      names: [...new Set(Object.values(district.name))],
      geometry: district.geometry,
    })),
    streets,
  };
}

/** Everything the analysis of one city's messages needs, loaded once per run. */
export async function analysisContextFor(ctx: AppContext, organisation: Organisation): Promise<AnalysisContext> {
  const topics = await topicRulesFor(ctx.db, organisation.id);
  const [gazetteer, sentimentModel, topicModel] = await Promise.all([
    gazetteerFor(ctx.db, organisation),
    classifierFor(ctx.db, organisation.id, 'sentiment'),
    classifierFor(ctx.db, organisation.id, 'topic', topics),
  ]);
  return { gazetteer, topics, sentimentModel, topicModel };
}

/**
 * Analyses the messages stored since the last run (language, sentiment, topic, district) for one city,
 * or for every city with waiting messages when `organisationId` is null. A new conversation without a
 * department goes to the department in charge of its first message's topic. Labels set by staff are
 * never overwritten. Returns how many messages were analysed.
 */
export async function analyseNewMessages(ctx: AppContext, organisationId: number | null): Promise<number> {
  const cities =
    organisationId !== null
      ? [organisationId]
      : (
          await ctx.db
            .selectFrom('inbox_message')
            .select('organisation_id')
            .where('analysed_at', 'is', null)
            .where('direction', '=', 'in')
            .distinct()
            .execute()
        ).map((row) => row.organisation_id);
  let analysed = 0;
  for (const cityId of cities) {
    const organisation = await ctx.organisations.findById(cityId);
    if (!organisation) continue;
    const context = await analysisContextFor(ctx, organisation);
    for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
      const messages = await ctx.db
        .selectFrom('inbox_message')
        .select(['id', 'conversation_id', 'subject', 'body', 'lat', 'lng'])
        .where('organisation_id', '=', cityId)
        .where('direction', '=', 'in')
        .where('analysed_at', 'is', null)
        .orderBy('id')
        .limit(BATCH)
        .execute();
      if (messages.length === 0) break;
      const rows = messages.map((message) => {
        const result = analyseMessage(
          {
            text: message.subject ? `${message.subject}\n${message.body}` : message.body,
            lat: message.lat,
            lng: message.lng,
          },
          context,
        );
        return { id: message.id, conversationId: message.conversation_id, ...result };
      });
      // One statement per batch: the values list joins the analysis onto the rows.
      await sql`
        update inbox_message m set
          language = v.language, language_confidence = v.language_confidence::real,
          sentiment = coalesce(case when m.sentiment_by is null then v.sentiment end, m.sentiment), sentiment_score = v.sentiment_score::real,
          topic = coalesce(case when m.topic_by is null then v.topic end, m.topic),
          district_id = coalesce(m.district_id, v.district_id::int), place = coalesce(m.place, v.place), analysed_at = now()
        from (values ${sql.join(rows.map((row) => sql`(${row.id}::bigint, ${row.language === 'unknown' ? null : row.language}, ${row.languageConfidence}, ${row.sentiment}, ${row.sentimentScore}, ${row.topic}, ${row.districtId}, ${row.place})`))})
          as v(id, language, language_confidence, sentiment, sentiment_score, topic, district_id, place)
        where m.id = v.id`.execute(ctx.db);
      // Starts from the batch (not from every conversation without a department): constant time per batch.
      await sql`
        with batch as materialized (select id, conversation_id, organisation_id, topic from inbox_message where id in (${sql.join(rows.map((row) => row.id))}) and topic is not null)
        update inbox_conversation c set department_id = t.department_id
        from batch m join inbox_topic t on t.organisation_id = m.organisation_id and t.key = m.topic and t.department_id is not null
        where c.id = m.conversation_id and c.department_id is null and c.assignee_id is null
          and not exists (select 1 from inbox_message e where e.conversation_id = m.conversation_id and e.direction = 'in' and e.id < m.id)`.execute(
        ctx.db,
      );
      analysed += rows.length;
      if (batch === BATCHES_PER_RUN - 1) await ctx.jobs.enqueue(ANALYSE_JOB, {}, { organisationId: cityId });
    }
  }
  return analysed;
}
