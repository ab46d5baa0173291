import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistrictsWithGeometry, findStreetNames } from '../places/index.ts';
import {
  analyseMessage,
  classifierFor,
  containsPoint,
  DEFAULT_TOPICS,
  type AnalysisContext,
  type Gazetteer,
  type TopicRule,
} from './analysis/index.ts';
import { afterBulkChange } from '../../platform/maintenance.ts';
import { ANALYSE_JOB } from './ingest.ts';
import {
  findActiveTopicKeywords,
  findCitiesWithUnanalysedMessages,
  findUnanalysedMessages,
  routeConversationsByTopic,
  updateMessageAnalyses,
} from './analyse.repository.ts';
import './inbox.schema.ts';

const BATCH = 200;
/** Batches per job run; more waiting messages are left to a follow-up run so one job never runs for long. */
const BATCHES_PER_RUN = 25;

/** The city's topics as the classifier reads them: its own list, or the shipped defaults while it has none. */
export async function topicRulesFor(db: Executor, organisationId: number): Promise<TopicRule[]> {
  const rows = await findActiveTopicKeywords(db, organisationId);
  if (rows.length === 0) return [...DEFAULT_TOPICS];
  return rows.map((row) => ({
    key: row.key,
    keywords: typeof row.keywords === 'string' ? (JSON.parse(row.keywords) as TopicRule['keywords']) : row.keywords,
  }));
}

/**
 * The places a message can name: the city's districts (every language's name, with their shapes) and
 * the streets of its address register, each placed in the district that contains its middle.
 */
export async function gazetteerFor(db: Executor, organisation: Organisation): Promise<Gazetteer> {
  const districts = (await findDistrictsWithGeometry(db, organisation.id)).filter(
    (district) => district.kind === 'district',
  );
  const streets = (await findStreetNames(db, organisation.id)).flatMap((street) => {
    const district = districts.find((candidate) => containsPoint(candidate.geometry, street.lng, street.lat));
    return district ? [{ name: street.name, districtId: district.id }] : [];
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
  return { gazetteer, topics, languages: organisation.languages, sentimentModel, topicModel };
}

/**
 * Analyses the messages stored since the last run (language, sentiment, topic, district) for one city,
 * or for every city with waiting messages when `organisationId` is null. A new conversation without a
 * department goes to the department in charge of its first message's topic. Labels set by staff are
 * never overwritten. Returns how many messages were analysed.
 */
export async function analyseNewMessages(ctx: AppContext, organisationId: number | null): Promise<number> {
  const cities = organisationId !== null ? [organisationId] : await findCitiesWithUnanalysedMessages(ctx.db);
  let analysed = 0;
  for (const cityId of cities) {
    const organisation = await ctx.organisations.findById(cityId);
    if (!organisation) continue;
    const context = await analysisContextFor(ctx, organisation);
    for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
      const messages = await findUnanalysedMessages(ctx.db, cityId, BATCH);
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
      await updateMessageAnalyses(ctx.db, rows);
      // Starts from the batch (not from every conversation without a department): constant time per batch.
      await routeConversationsByTopic(
        ctx.db,
        rows.map((row) => row.id),
      );
      analysed += rows.length;
      if (batch === BATCHES_PER_RUN - 1) await ctx.jobs.enqueue(ANALYSE_JOB, {}, { organisationId: cityId });
    }
  }
  await afterBulkChange(ctx.jobs, analysed);
  return analysed;
}
