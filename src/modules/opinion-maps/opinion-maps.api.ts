import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { apiErrors, LangQuery, PUBLIC, askedLanguage } from '../../platform/http/api.ts';
import { localized } from '../../platform/i18n/translate.ts';
import { sendCsv } from '../../platform/web/csv.ts';
import { findAnonymisedVotes } from './opinion-maps.repository.ts';
import { ApiMap, ApiResults, MapParams, type ApiResultsBody } from './opinion-maps.schema.ts';
import { listMaps, readResults, requireMap } from './opinion-maps.use-cases.ts';

const ResultsQuery = Type.Object({ lang: LangQuery });

/** The public API of opinion maps and their open data (anonymised votes as CSV). */
export function registerOpinionMapsApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/opinion-maps',
    {
      schema: {
        operationId: 'listOpinionMaps',
        tags: ['opinion-maps'],
        summary: 'Opinion maps of the city (open and closed), newest first',
        security: PUBLIC,
        querystring: ResultsQuery,
        response: { 200: Type.Array(ApiMap) },
      },
    },
    async (request) => {
      const lang = askedLanguage(request.query.lang) ?? request.organisation.defaultLanguage;
      const maps = await listMaps(ctx, null, request.organisation);
      return maps
        .filter((m) => m.status !== 'draft')
        .map((m) => ({
          id: m.id,
          processId: m.processId,
          question: localized(m.question, lang, request.organisation.defaultLanguage),
          status: m.status === 'open' ? ('open' as const) : ('closed' as const),
          statements: m.statements,
          participants: m.participants,
          url: `/opinion-maps/${m.id}`,
        }));
    },
  );

  app.get(
    '/api/v1/opinion-maps/:id/results',
    {
      schema: {
        operationId: 'getOpinionMapResults',
        tags: ['opinion-maps'],
        summary: 'The latest results of an opinion map: groups, representative statements, consensus',
        description:
          'Recomputed within seconds of new votes; `votes` says how many votes the results cover. The method is described in docs/OPINION-MAPS.md.',
        security: PUBLIC,
        params: MapParams,
        response: { 200: ApiResults, ...apiErrors(404) },
      },
    },
    async (request): Promise<ApiResultsBody> => {
      const view = await readResults(ctx, null, request.organisation, request.params.id);
      const text = new Map(view.statements.map((s) => [s.id, s.text]));
      const ref = (id: number) => ({ id, text: text.get(id) ?? '' });
      const result = view.result;
      return {
        mapId: view.map.id,
        computedAt: view.computedAt?.toISOString() ?? null,
        votes: result?.votes ?? 0,
        participants: result?.participants ?? 0,
        placed: result?.placed ?? 0,
        groups: (result?.groups ?? []).map((g, i) => ({
          label: String.fromCharCode(65 + i),
          members: g.members,
          representative: g.representative.map((r) => ({
            statement: ref(r.statement),
            direction: r.direction,
            probability: r.probability,
            ratio: r.ratio,
          })),
        })),
        consensus: {
          agree: (result?.consensus.agree ?? []).map((c) => ({
            statement: ref(c.statement),
            probability: c.probability,
          })),
          disagree: (result?.consensus.disagree ?? []).map((c) => ({
            statement: ref(c.statement),
            probability: c.probability,
          })),
        },
        statements: (result?.statementResults ?? [])
          .filter((s) => text.has(s.statement))
          .map((s) => ({ statement: ref(s.statement), total: s.total, groups: s.groups })),
      };
    },
  );

  app.get<{ Params: { id: string } }>('/opinion-maps/:id/votes.csv', async (request, reply) => {
    const id = Number(request.params.id);
    const map = await requireMap(
      ctx,
      null,
      request.organisation,
      Number.isSafeInteger(id) && id > 0 && id < 2 ** 31 ? id : 0,
    );
    const votes = await findAnonymisedVotes(ctx.db, map.id);
    return sendCsv(reply, `opinion-map-${map.id}-votes.csv`, [
      ['participant', 'statement', 'vote'],
      ...votes.map((v) => [v.participant, v.statement, v.vote === 1 ? 'agree' : v.vote === -1 ? 'disagree' : 'pass']),
    ]);
  });
}
