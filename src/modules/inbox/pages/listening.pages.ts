import { sendCsv } from '../../../platform/web/csv.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findChannelLabels } from '../channels.repository.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { findTopics } from '../labels.repository.ts';
import { acknowledgeAlert, findAlerts } from '../listening/alerts.ts';
import { findTexts, findVolumeBy, findVolumeByDay, type ListeningScope } from '../listening/listening.repository.ts';
import { termsOf, topTerms } from '../listening/terms.ts';
import { gazetteerFor } from '../analyse.ts';
import { fillDays, valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger } from './shared.ts';
import { dashboardView, PERIODS, type ListeningNames } from './listening.view.ts';

/** The city's topics and channels by key, for labels and filters. */
async function labels(ctx: AppContext, organisationId: number): Promise<ListeningNames> {
  const [topics, channels, districts] = await Promise.all([
    findTopics(ctx.db, organisationId),
    findChannelLabels(ctx.db, organisationId),
    findDistricts(ctx.db, organisationId),
  ]);
  return {
    topics: topics.map((topic) => ({
      key: topic.key,
      names: typeof topic.names === 'string' ? (JSON.parse(topic.names) as Record<string, string>) : topic.names,
    })),
    channels,
    districts: districts.filter((district) => district.kind === 'district'),
  };
}

function scopeFrom(
  request: FastifyRequest,
  now: Date,
): { scope: ListeningScope; previous: ListeningScope; days: number } {
  const query = request.query;
  const daysText = Number(valueOf(query, 'days'));
  const days = (PERIODS as readonly number[]).includes(daysText) ? daysText : 30;
  const from = new Date(now.getTime() - days * 86_400_000);
  const scope: ListeningScope = {
    organisationId: request.organisation.id,
    from,
    to: now,
    timeZone: request.organisation.timeZone,
    districtId: positiveInteger(valueOf(query, 'district')),
    topic: /^[a-z][a-z0-9_-]{0,39}$/.test(valueOf(query, 'topic')) ? valueOf(query, 'topic') : undefined,
    channelId: positiveInteger(valueOf(query, 'channel')),
  };
  return { scope, previous: { ...scope, from: new Date(from.getTime() - days * 86_400_000), to: from }, days };
}

/** Loads the dashboard's figures for the period and filters in the address, and shows them. */
async function dashboardPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { organisation } = request;
  const { scope, previous, days } = scopeFrom(request, new Date());
  const [names, byDay, byDistrict, byTopic, byLanguage, texts, previousTexts, previousTotal, alerts] =
    await Promise.all([
      labels(ctx, organisation.id),
      findVolumeByDay(ctx.db, scope),
      findVolumeBy(ctx.db, scope, 'district'),
      findVolumeBy(ctx.db, scope, 'topic'),
      findVolumeBy(ctx.db, scope, 'language'),
      findTexts(ctx.db, scope),
      findTexts(ctx.db, previous),
      findVolumeByDay(ctx.db, previous),
      findAlerts(ctx.db, organisation.id),
    ]);
  const places = await gazetteerFor(ctx.db, organisation);
  // Street and district names are places, not topics: the district tables already count them.
  const placeWords = new Set(
    [
      ...places.districts.flatMap((district) => district.names),
      ...(places.streets ?? []).map((street) => street.name),
    ].flatMap((name) => termsOf(name)),
  );
  const terms = topTerms(
    texts.map((row) => row.body),
    previousTexts.map((row) => row.body),
    30,
    placeWords,
  );
  return dashboardView(request, reply, {
    scope,
    days,
    names,
    byDay,
    byDistrict,
    byTopic,
    byLanguage,
    previousTotal,
    previousMessages: previousTexts.length,
    alerts,
    terms,
  });
}

/** The daily figures as CSV (one row per day and sentiment count), for the city's own analyses. */
async function dashboardCsv(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { scope, days } = scopeFrom(request, new Date());
  const rows = fillDays(await findVolumeByDay(ctx.db, scope), scope, days);
  return sendCsv(reply, 'listening.csv', [
    ['day', 'messages', 'negative', 'neutral', 'positive'],
    ...rows.map((row) => [{ raw: row.day }, row.total, row.negative, row.neutral, row.positive]),
  ]);
}

/** The listening dashboard: volume and sentiment per day, district, topic and language, frequent terms and alerts. */
export function registerListeningPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/listening', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return dashboardPage(ctx, request, reply);
  });
  app.get('/staff/inbox/listening.csv', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return dashboardCsv(ctx, request, reply);
  });
  app.post('/staff/inbox/alerts/:id/acknowledge', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined || !(await acknowledgeAlert(ctx.db, request.organisation.id, id, request.viewer.id)))
      throw new AppError('INBOX_ALERT_NOT_FOUND');
    setNotice(reply, 'inbox.alerts.acknowledged');
    return reply.redirect('/staff/inbox/listening', 303);
  });
}
