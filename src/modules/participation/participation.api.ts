import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { ApiError, OPTIONAL_SESSION, PUBLIC, SESSION } from '../../platform/http/api.ts';
import { findDistricts } from '../places/index.ts';
import { CATEGORIES, PROPOSAL_STATUSES, type Category, type ShownStatus } from './participation.schema.ts';
import { toFilters, visitorSeed, type ListQuery } from './pages/proposals.pages.ts';
import { currentPhase, findProcesses, processTime, type Phase } from './processes.repository.ts';
import { cursorOf, findProposals, shownStatus, type Proposal } from './proposals.repository.ts';
import { readSupport, supportProposal, withdrawSupport, type SupportOutcome } from './use-cases/support-proposal.ts';

const Errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };
const SECURITY = SESSION;
const Translated = Type.Record(Type.String(), Type.String(), { description: 'Text per language code' });
const ProposalParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

const PhaseJson = Type.Object({
  id: Type.Integer(),
  title: Translated,
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  parts: Type.Record(Type.String(), Type.Array(Type.String()), {
    description: 'Open parts (proposals, debates, budget, meetings) with the actions each allows',
  }),
});

const ProcessJson = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  url: Type.String(),
  title: Translated,
  description: Translated,
  time: Type.Union([Type.Literal('open'), Type.Literal('upcoming'), Type.Literal('past')]),
  districtIds: Type.Array(Type.Integer()),
  eligibility: Type.Object({
    level: Type.String(),
    minAge: Type.Union([Type.Integer(), Type.Null()]),
    maxAge: Type.Union([Type.Integer(), Type.Null()]),
    residentsOnly: Type.Boolean(),
  }),
  proposals: Type.Object({ supportThreshold: Type.Integer(), supportDays: Type.Integer(), answerDays: Type.Integer() }),
  currentPhaseId: Type.Union([Type.Integer(), Type.Null()]),
  phases: Type.Array(PhaseJson),
});

const ProposalJson = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  processId: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  category: Type.String(),
  districtId: Type.Union([Type.Integer(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  status: Type.String({
    description: 'published, threshold_reached, evaluating, accepted, rejected, withdrawn or expired',
  }),
  supports: Type.Integer(),
  threshold: Type.Integer(),
  supportDeadline: Type.String({ format: 'date-time' }),
  answerDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  answer: Type.Union([Type.String(), Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const SupportJson = Type.Object({
  proposalId: Type.Integer(),
  supported: Type.Boolean(),
  supports: Type.Integer(),
  threshold: Type.Integer(),
  missing: Type.Integer({ description: 'Supports still needed to reach the threshold' }),
  status: Type.String(),
});

const ListQuerySchema = Type.Object(
  {
    process: Type.Optional(Type.String({ maxLength: 80, description: 'Process slug' })),
    category: Type.Optional(Type.Unsafe<Category>(Type.String({ enum: [...CATEGORIES] }))),
    district: Type.Optional(Type.String({ maxLength: 80, description: 'District code' })),
    status: Type.Optional(Type.Unsafe<ShownStatus>(Type.String({ enum: [...PROPOSAL_STATUSES, 'expired'] }))),
    sort: Type.Optional(
      Type.Union([Type.Literal('random'), Type.Literal('supports'), Type.Literal('newest')], { default: 'random' }),
    ),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2_147_483_646,
        description: 'Seed of the random order; the same seed gives the same order',
      }),
    ),
    after: Type.Optional(
      Type.String({
        maxLength: 40,
        pattern: '^-?[0-9]{1,10}(_[0-9]{1,10})?$',
        description: 'The `next` cursor of the previous page',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    lang: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

function phaseJson(phase: Phase) {
  return {
    id: phase.id,
    title: phase.title,
    startsAt: phase.startsAt.toISOString(),
    endsAt: phase.endsAt.toISOString(),
    parts: phase.parts as Record<string, string[]>,
  };
}

/** A proposal as the public API shows it: never the author's account or e-mail, only the shown name. */
export function proposalJson(proposal: Proposal, now = new Date()) {
  return {
    id: proposal.id,
    url: `/proposals/${proposal.id}`,
    processId: proposal.processId,
    title: proposal.title,
    body: proposal.body,
    category: proposal.category,
    districtId: proposal.districtId,
    lat: proposal.lat,
    lng: proposal.lng,
    status: shownStatus(proposal, now),
    supports: proposal.supports,
    threshold: proposal.threshold,
    supportDeadline: proposal.supportDeadline.toISOString(),
    answerDueAt: proposal.answerDueAt?.toISOString() ?? null,
    answer: proposal.answerText,
    authorName: proposal.authorName,
    createdAt: proposal.createdAt.toISOString(),
  };
}

function answer(outcome: SupportOutcome) {
  if (outcome.ok) return outcome.support;
  throw new AppError(outcome.code);
}

/** Processes and proposals (public), and a resident's support of a proposal (idempotent PUT/DELETE). */
export function registerParticipationApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/processes',
    {
      schema: {
        operationId: 'listProcesses',
        tags: ['participation'],
        summary: 'Participatory processes of the city, with their phases',
        security: PUBLIC,
        response: { 200: Type.Array(ProcessJson) },
      },
    },
    async (request) => {
      const now = new Date();
      const processes = await findProcesses(ctx.db, request.organisation.id);
      return processes.map((p) => ({
        id: p.id,
        slug: p.slug,
        url: `/processes/${p.slug}`,
        title: p.title,
        description: p.description,
        time: processTime(p, now),
        districtIds: p.districtIds,
        eligibility: p.eligibility,
        proposals: { supportThreshold: p.supportThreshold, supportDays: p.supportDays, answerDays: p.answerDays },
        currentPhaseId: currentPhase(p, now)?.id ?? null,
        phases: p.phases.map(phaseJson),
      }));
    },
  );

  app.get(
    '/api/v1/proposals',
    {
      schema: {
        operationId: 'listProposals',
        tags: ['participation'],
        summary:
          'Proposals with filters, in random (stable per seed), most supported or newest order, with keyset pagination',
        security: PUBLIC,
        querystring: ListQuerySchema,
        response: {
          200: Type.Object({
            proposals: Type.Array(ProposalJson),
            seed: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ApiError,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const query: ListQuery = {
        process: q.process ?? '',
        category: q.category ?? '',
        district: q.district ?? '',
        status: q.status ?? '',
        sort: q.sort ?? 'random',
        seed: q.seed ?? visitorSeed(request),
        after: q.after ?? '',
        view: 'list',
      };
      const limit = q.limit ?? 20;
      const [processes, districts] = await Promise.all([
        findProcesses(ctx.db, request.organisation.id),
        findDistricts(ctx.db, request.organisation.id),
      ]);
      const filters = toFilters(query, processes, districts, limit + 1);
      if (!filters) throw new AppError('VALIDATION_FAILED', 'There is no process or district with this slug or code.');
      const now = new Date();
      const rows = await findProposals(ctx.db, request.organisation.id, filters, now);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        proposals: page.map((p) => proposalJson(p, now)),
        seed: query.seed,
        next: rows.length > limit && last ? cursorOf(last, query.sort) : null,
      };
    },
  );

  const supportPath = '/api/v1/proposals/:id/support';
  app.get(
    supportPath,
    {
      schema: {
        operationId: 'getMyProposalSupport',
        tags: ['participation'],
        summary: 'Your support of a proposal and how far it is from its threshold',
        security: OPTIONAL_SESSION,
        params: ProposalParams,
        response: { 200: SupportJson, ...Errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return readSupport(ctx, request.viewer, request.organisation, request.params.id);
    },
  );

  app.put(
    supportPath,
    {
      schema: {
        operationId: 'supportProposal',
        tags: ['participation'],
        summary: 'Support a proposal (idempotent)',
        description:
          'Gives your support once; repeating the request changes nothing. Refused with PARTICIPATION_CLOSED when the current phase takes no supports, PROPOSAL_SUPPORT_CLOSED after the deadline, ' +
          'and PARTICIPATION_EMAIL_NOT_CONFIRMED, PARTICIPATION_NOT_VERIFIED (verify your residence), PARTICIPATION_BIRTH_YEAR_MISSING (declare your year of birth: PUT /api/v1/me/birth-year), PARTICIPATION_AGE_NOT_ELIGIBLE or PARTICIPATION_DISTRICT_NOT_ELIGIBLE when you are not eligible; nothing is stored then. Needs the X-CSRF-Token header with a session.',
        security: SECURITY,
        params: ProposalParams,
        response: { 200: SupportJson, ...Errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return answer(await supportProposal(ctx, request.viewer, request.organisation, request.params.id));
    },
  );

  app.delete(
    supportPath,
    {
      schema: {
        operationId: 'withdrawProposalSupport',
        tags: ['participation'],
        summary: 'Take your support back while the proposal collects supports (idempotent)',
        security: SECURITY,
        params: ProposalParams,
        response: { 200: SupportJson, ...Errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return answer(await withdrawSupport(ctx, request.viewer, request.organisation, request.params.id));
    },
  );
}
