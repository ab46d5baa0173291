import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { consumeRateLimit, ReservedRateLimits } from '../../platform/auth/rate-limit.ts';
import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcess, processEligibilityRule } from '../participation/index.ts';
import { decideEligibility, type EligibilityReason } from '../verification/index.ts';
import { computeOpinionMap, type OpinionMapResult } from './math/compute.ts';
import { computeOffThread } from './math/in-worker.ts';
import type { OpinionMapErrorCode } from './opinion-maps.errors.ts';
import {
  findMap,
  findMaps,
  findMapsToRecompute,
  findOwnVotes,
  findResult,
  findStatements,
  findVoteScope,
  insertMap,
  insertStatementWhileOpen,
  loadVotes,
  setStatementStatus,
  storeResult,
  updateMap,
  upsertVote,
  type OpinionMap,
  type Statement,
} from './opinion-maps.repository.ts';
import type { MapStatus, Moderation, StatementStatus, VoteValue } from './opinion-maps.schema.ts';

export const RECOMPUTE_JOB = 'opinion-maps.recompute';
/** Results are recomputed this long after the first vote of a burst (debounce). */
export const RECOMPUTE_DELAY_MS = 2000;
export const STATEMENT_MIN = 5;
export const STATEMENT_MAX = 280;
const STATEMENTS_PER_HOUR = 10;
const VOTES_PER_MINUTE = 120;
/** Votes are counted against the per-minute limit in blocks reserved from the shared table (one write per few votes). */
const voteLimits = new ReservedRateLimits();
/** A statement with fewer votes than this is shown before any other (it needs votes to be placed at all). */
export const FEW_VOTES = 5;

type Refusal = OpinionMapErrorCode | 'AUTHENTICATION_REQUIRED';
export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; code: Refusal };

/** Staff set maps up and moderate them; moderators moderate statements too. */
export function mayManageMaps(viewer: Viewer | null): boolean {
  return hasRole(viewer, 'staff');
}
export function mayModerate(viewer: Viewer | null): boolean {
  return hasRole(viewer, 'staff') || hasRole(viewer, 'moderator');
}
function authorize(viewer: Viewer | null, allowed: (viewer: Viewer | null) => boolean): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!allowed(viewer)) throw new AppError('FORBIDDEN');
}

const REASONS: Record<Exclude<EligibilityReason, 'not-signed-in'>, OpinionMapErrorCode> = {
  'email-not-confirmed': 'OPINION_MAP_EMAIL_NOT_CONFIRMED',
  'not-verified': 'OPINION_MAP_NOT_VERIFIED',
  age: 'OPINION_MAP_NOT_ELIGIBLE',
  district: 'OPINION_MAP_NOT_ELIGIBLE',
};

/** A map the viewer may see: any but drafts for everyone, drafts for staff. */
export async function requireMap(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<OpinionMap> {
  const map = await findMap(ctx.db, organisation.id, id);
  if (!map || (map.status === 'draft' && !mayManageMaps(viewer))) throw new AppError('OPINION_MAP_NOT_FOUND');
  return map;
}

export async function listMaps(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, processId?: number) {
  return findMaps(ctx.db, organisation.id, {
    publicOnly: !mayManageMaps(viewer),
    ...(processId === undefined ? {} : { processId }),
  });
}

/** Staff open a map on a question in one of the city's processes; it starts as a draft. */
export async function createMap(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { processId: number; question: string; moderation: Moderation; language: string },
): Promise<Outcome<{ id: number }>> {
  authorize(viewer, mayManageMaps);
  const question = input.question.trim();
  if (question.length < 5 || question.length > 300) return { ok: false, code: 'OPINION_MAP_QUESTION_INVALID' };
  if (!(await findProcess(ctx.db, organisation.id, input.processId)))
    return { ok: false, code: 'OPINION_MAP_PROCESS_NOT_FOUND' };
  const values = {
    organisationId: organisation.id,
    processId: input.processId,
    question: { [input.language]: question },
    moderation: input.moderation,
  };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMap(tx, values);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'opinion-map.create',
      subjectType: 'opinion-map',
      subjectId: id,
      after: { processId: values.processId, moderation: values.moderation },
    });
    return id;
  });
  return { ok: true, id };
}

/** Staff open, close or reopen a map, or change its moderation setting. */
export async function changeMap(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  change: { status?: MapStatus; moderation?: Moderation },
): Promise<void> {
  authorize(viewer, mayManageMaps);
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await updateMap(tx, organisation.id, id, change))) throw new AppError('OPINION_MAP_NOT_FOUND');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'opinion-map.change',
      subjectType: 'opinion-map',
      subjectId: id,
      after: change,
    });
  });
  if (change.status) await scheduleRecompute(ctx, organisation.id, true);
}

/** Why this viewer may not take part in the map (its process's rule), or undefined. */
async function participationBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  map: OpinionMap,
): Promise<Refusal | undefined> {
  if (!viewer) return 'AUTHENTICATION_REQUIRED';
  const scope = await findVoteScope(ctx.db, organisation.id, map.id, viewer.id);
  if (!scope || scope.status !== 'open') return 'OPINION_MAP_CLOSED';
  return eligibilityRefusal(scope);
}

function eligibilityRefusal(scope: NonNullable<Awaited<ReturnType<typeof findVoteScope>>>): Refusal | undefined {
  if (!scope.rule) return 'OPINION_MAP_NOT_FOUND';
  const result = decideEligibility(scope.facts ?? undefined, processEligibilityRule(scope.rule));
  if (result.ok) return undefined;
  return result.reason === 'not-signed-in' ? 'AUTHENTICATION_REQUIRED' : REASONS[result.reason];
}

/** Whether the viewer may vote and write here now (for the pages to show the forms or the reason). */
export async function participationState(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  map: OpinionMap,
): Promise<Refusal | undefined> {
  return participationBlocker(ctx, viewer, organisation, map);
}

/**
 * An eligible participant adds a short statement; shown at once or after a moderator accepts it, by the
 * map's setting (staff's are accepted). Limited per person and hour.
 */
export async function addStatement(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
  text: string,
): Promise<Outcome<{ id: number; status: StatementStatus }>> {
  const map = await requireMap(ctx, viewer, organisation, mapId);
  const staff = mayManageMaps(viewer);
  const blocker = staff
    ? map.status === 'open'
      ? undefined
      : 'OPINION_MAP_CLOSED'
    : await participationBlocker(ctx, viewer, organisation, map);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length < STATEMENT_MIN || clean.length > STATEMENT_MAX)
    return { ok: false, code: 'OPINION_MAP_STATEMENT_INVALID' };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `opinion-map-statement:user:${viewer.id}`,
    limit: STATEMENTS_PER_HOUR,
    windowSeconds: 3600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const status: StatementStatus = staff || map.moderation === 'after' ? 'accepted' : 'pending';
  const id = await insertStatementWhileOpen(ctx.db, { mapId, authorId: viewer.id, text: clean, status });
  return id === undefined ? { ok: false, code: 'OPINION_MAP_CLOSED' } : { ok: true, id, status };
}

/** A moderator accepts or rejects a statement (rejecting hides it and leaves its votes out of the results). */
export async function moderateStatement(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
  statementId: number,
  status: 'accepted' | 'rejected',
): Promise<void> {
  authorize(viewer, mayModerate);
  const map = await findMap(ctx.db, organisation.id, mapId);
  if (!map) throw new AppError('OPINION_MAP_NOT_FOUND');
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await setStatementStatus(tx, mapId, statementId, status)))
      throw new AppError('OPINION_MAP_STATEMENT_NOT_FOUND');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: `opinion-map.statement.${status}`,
      subjectType: 'opinion-map-statement',
      subjectId: statementId,
    });
  });
  await scheduleRecompute(ctx, organisation.id, true);
}

/**
 * A vote agree (1), disagree (-1) or pass (0) on a statement, changeable: two round trips and now and then a
 * third (the map, its process's rule and the voter's facts in one; the vote itself, which stores nothing
 * unless the map is still open and the statement accepted; the rate limit reserves a block of hits every
 * few votes). The results are recomputed a moment later.
 */
export async function castVote(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
  statementId: number,
  value: VoteValue,
): Promise<Outcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const scope = await findVoteScope(ctx.db, organisation.id, mapId, viewer.id);
  if (!scope || scope.status === 'draft') throw new AppError('OPINION_MAP_NOT_FOUND');
  if (scope.status !== 'open') return { ok: false, code: 'OPINION_MAP_CLOSED' };
  const refusal = eligibilityRefusal(scope);
  if (refusal) return { ok: false, code: refusal };
  const limit = await voteLimits.take(ctx.db, organisation.id, {
    key: `opinion-map-vote:user:${viewer.id}`,
    limit: VOTES_PER_MINUTE,
    windowSeconds: 60,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const vote = { mapId, statementId, userId: viewer.id, value };
  // a second try when the same person's first vote in the map raced this one (it made the participant row)
  if (!(await upsertVote(ctx.db, vote)) && !(await upsertVote(ctx.db, vote)))
    return { ok: false, code: 'OPINION_MAP_STATEMENT_NOT_FOUND' };
  await scheduleRecompute(ctx, organisation.id);
  return { ok: true };
}

const lastScheduled = new Map<number, number>();

/**
 * Debounce: at most one recomputation queued per city and RECOMPUTE_DELAY_MS from this process, to run
 * RECOMPUTE_DELAY_MS later; the job takes up every map whose votes changed since its stored result, so a
 * burst of votes costs one computation per map.
 */
export async function scheduleRecompute(ctx: AppContext, organisationId: number, now = false): Promise<void> {
  const last = lastScheduled.get(organisationId) ?? 0;
  if (!now && Date.now() - last < RECOMPUTE_DELAY_MS) return;
  lastScheduled.set(organisationId, Date.now());
  await ctx.jobs.enqueueUnlessWaiting(
    RECOMPUTE_JOB,
    {},
    { organisationId, runAt: new Date(Date.now() + (now ? 0 : RECOMPUTE_DELAY_MS)) },
  );
}

/** Recomputes the results of one map from all its votes and stores them with the last vote they cover. */
export async function recomputeMap(ctx: AppContext, mapId: number): Promise<OpinionMapResult> {
  const statements = await findStatements(ctx.db, mapId, 'accepted');
  const votes = await loadVotes(ctx.db, mapId);
  const result = await computeOffThread(
    statements.map((s) => s.id),
    votes,
    computeOpinionMap,
  );
  await storeResult(ctx.db, mapId, { seq: votes.seq, votes: result.votes, result });
  return result;
}

/** The job: every map of the city (all cities when none) whose votes changed since its results. */
export async function recomputeChangedMaps(ctx: AppContext, organisationId: number | null): Promise<number> {
  const ids = await findMapsToRecompute(ctx.db, organisationId);
  for (const id of ids) await recomputeMap(ctx, id);
  return ids.length;
}

export interface ResultsView {
  map: OpinionMap;
  statements: Statement[];
  result: OpinionMapResult | undefined;
  computedAt: Date | null;
  /** The viewer's own votes and place, when they voted. */
  own: { number: number | null; votes: Map<number, VoteValue> } | undefined;
}

export async function readResults(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
): Promise<ResultsView> {
  const map = await requireMap(ctx, viewer, organisation, mapId);
  const statements = await findStatements(ctx.db, map.id, 'accepted');
  const stored = await findResult(ctx.db, map.id);
  const own = viewer ? await findOwnVotes(ctx.db, map.id, viewer.id) : undefined;
  return { map, statements, result: stored?.result, computedAt: stored?.computedAt ?? null, own };
}

/** The statements a moderator sees, every status. */
export async function statementsToModerate(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
): Promise<{ map: OpinionMap; statements: Statement[] }> {
  authorize(viewer, mayModerate);
  const map = await findMap(ctx.db, organisation.id, mapId);
  if (!map) throw new AppError('OPINION_MAP_NOT_FOUND');
  return { map, statements: await findStatements(ctx.db, mapId) };
}

/**
 * The next statement for the viewer, chosen to tell most: among accepted statements they have not voted
 * on, first those with fewer than FEW_VOTES votes (fewest first); then the most divisive by the last
 * results — the largest spread between groups of the smoothed share agreeing, or, with one group, the
 * closest split between agree and disagree; ties by fewer votes, then the oldest statement.
 */
export async function nextStatement(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  mapId: number,
): Promise<{ map: OpinionMap; statement: Statement | undefined; voted: number; total: number }> {
  const map = await requireMap(ctx, viewer, organisation, mapId);
  const statements = await findStatements(ctx.db, map.id, 'accepted');
  const own = viewer ? await findOwnVotes(ctx.db, map.id, viewer.id) : undefined;
  const stored = await findResult(ctx.db, map.id);
  const open = statements.filter((s) => !own?.votes.has(s.id));
  return {
    map,
    statement: chooseNext(open, stored?.result),
    voted: statements.length - open.length,
    total: statements.length,
  };
}

export function chooseNext(open: readonly Statement[], result: OpinionMapResult | undefined): Statement | undefined {
  const stats = new Map(result?.statementResults.map((s) => [s.statement, s]));
  const scored = open.map((statement) => {
    const s = stats.get(statement.id);
    const votes = s ? s.total.agree + s.total.disagree + s.total.pass : 0;
    let divisive = 0;
    if (s && s.groups.length > 1) {
      const shares = s.groups.map((g) => (g.agree + 1) / (g.agree + g.disagree + g.pass + 2));
      divisive = Math.max(...shares) - Math.min(...shares);
    } else if (s && votes > 0) divisive = 1 - Math.abs(s.total.agree - s.total.disagree) / votes;
    return { statement, votes, divisive, few: votes < FEW_VOTES };
  });
  scored.sort(
    (a, b) =>
      Number(b.few) - Number(a.few) ||
      (a.few ? a.votes - b.votes : b.divisive - a.divisive || a.votes - b.votes) ||
      a.statement.id - b.statement.id,
  );
  return scored[0]?.statement;
}
