import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { processEligibilitySql, type ProcessEligibilityJson } from '../participation/index.ts';
import { eligibilityFactsJson, type EligibilityFacts } from '../verification/index.ts';
import type { OpinionMapResult } from './math/compute.ts';
import type { MapStatus, Moderation, StatementStatus, VoteValue } from './opinion-maps.schema.ts';

export interface OpinionMap {
  id: number;
  organisationId: number;
  processId: number;
  question: Translated;
  moderation: Moderation;
  status: MapStatus;
  createdAt: Date;
}

export interface Statement {
  id: number;
  mapId: number;
  authorId: number | null;
  text: string;
  status: StatementStatus;
  createdAt: Date;
}

const mapColumns = [
  'id',
  'organisation_id as organisationId',
  'process_id as processId',
  'question',
  'moderation',
  'status',
  'created_at as createdAt',
] as const;

export async function insertMap(
  db: Executor,
  values: { organisationId: number; processId: number; question: Translated; moderation: Moderation },
): Promise<number> {
  const row = await db
    .insertInto('opinion_maps_map')
    .values({
      organisation_id: values.organisationId,
      process_id: values.processId,
      question: JSON.stringify(values.question),
      moderation: values.moderation,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMap(db: Executor, organisationId: number, id: number): Promise<OpinionMap | undefined> {
  return db
    .selectFrom('opinion_maps_map')
    .select(mapColumns)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The city's maps, newest first; `publicOnly` leaves out drafts. */
export async function findMaps(
  db: Executor,
  organisationId: number,
  options: { publicOnly: boolean; processId?: number },
): Promise<Array<OpinionMap & { statements: number; participants: number }>> {
  let query = db
    .selectFrom('opinion_maps_map as m')
    .select(mapColumns.map((c) => `m.${c}` as const))
    .select([
      sql<number>`(select count(*) from opinion_maps_statement s where s.map_id = m.id and s.status = 'accepted')::int`.as(
        'statements',
      ),
      sql<number>`(select count(*) from opinion_maps_participant p where p.map_id = m.id)::int`.as('participants'),
    ])
    .where('m.organisation_id', '=', organisationId)
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc');
  if (options.publicOnly) query = query.where('m.status', '<>', 'draft');
  if (options.processId !== undefined) query = query.where('m.process_id', '=', options.processId);
  return query.execute();
}

export async function updateMap(
  db: Executor,
  organisationId: number,
  id: number,
  values: { status?: MapStatus; moderation?: Moderation },
): Promise<boolean> {
  const result = await db
    .updateTable('opinion_maps_map')
    .set(values)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores a statement while the map is open; undefined when it is not. */
export async function insertStatementWhileOpen(
  db: Executor,
  values: { mapId: number; authorId: number | null; text: string; status: StatementStatus },
): Promise<number | undefined> {
  const row = await sql<{ id: number }>`
    insert into opinion_maps_statement (organisation_id, map_id, author_id, text, status, moderated_at)
    select m.organisation_id, m.id, ${values.authorId}, ${values.text}, ${values.status}, ${values.status === 'pending' ? null : sql`now()`}
    from opinion_maps_map m where m.id = ${values.mapId} and m.status = 'open'
    returning id`.execute(db);
  return row.rows[0]?.id;
}

export async function findStatements(db: Executor, mapId: number, status?: StatementStatus): Promise<Statement[]> {
  let query = db
    .selectFrom('opinion_maps_statement')
    .select(['id', 'map_id as mapId', 'author_id as authorId', 'text', 'status', 'created_at as createdAt'])
    .where('map_id', '=', mapId)
    .orderBy('id');
  if (status) query = query.where('status', '=', status);
  return query.execute();
}

export async function setStatementStatus(
  db: Executor,
  mapId: number,
  statementId: number,
  status: StatementStatus,
): Promise<boolean> {
  const result = await db
    .updateTable('opinion_maps_statement')
    .set({ status, moderated_at: new Date() })
    .where('map_id', '=', mapId)
    .where('id', '=', statementId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a vote needs to know in one round trip: the map's state, its process's rule and the voter's facts. */
export async function findVoteScope(
  db: Executor,
  organisationId: number,
  mapId: number,
  userId: number,
): Promise<{ status: MapStatus; rule: ProcessEligibilityJson | null; facts: EligibilityFacts | null } | undefined> {
  const row = await sql<{ status: MapStatus; rule: ProcessEligibilityJson | null; facts: EligibilityFacts | null }>`
    select m.status, ${processEligibilitySql(organisationId, sql`m.process_id`)} as rule,
      ${eligibilityFactsJson(organisationId, userId)} as facts
    from opinion_maps_map m where m.id = ${mapId} and m.organisation_id = ${organisationId}`.execute(db);
  return row.rows[0];
}

/**
 * Stores (or changes) a vote in one statement: the participant row is made on the first vote (and only
 * read afterwards); nothing is stored unless the map is open and the statement accepted in it. Answers
 * whether it was stored — false too when the same person's first vote raced this one (the caller retries).
 */
export async function upsertVote(
  db: Executor,
  vote: { mapId: number; statementId: number; userId: number; value: VoteValue },
): Promise<boolean> {
  const row = await sql<{ ok: number }>`
    with target as (
      select m.id, m.organisation_id from opinion_maps_map m join opinion_maps_statement s on s.map_id = m.id
      where m.id = ${vote.mapId} and m.status = 'open' and s.id = ${vote.statementId} and s.status = 'accepted'
    ), existing as (
      select p.id from opinion_maps_participant p join target on p.map_id = target.id where p.user_id = ${vote.userId}
    ), inserted as (
      insert into opinion_maps_participant (organisation_id, map_id, user_id) select organisation_id, id, ${vote.userId} from target
      where not exists (select 1 from existing)
      on conflict (map_id, user_id) do nothing
      returning id
    ), participant as (
      select id from existing union all select id from inserted
    )
    insert into opinion_maps_vote (organisation_id, participant_id, statement_id, map_id, value)
    select target.organisation_id, participant.id, ${vote.statementId}, ${vote.mapId}, ${vote.value} from participant, target
    on conflict (participant_id, statement_id) do update
      set value = excluded.value, seq = nextval('opinion_maps_vote_seq')
    returning 1 as ok`.execute(db);
  return row.rows.length > 0;
}

/** The viewer's votes in a map and their participant number (the rank of their row in the map), if any. */
export async function findOwnVotes(
  db: Executor,
  mapId: number,
  userId: number,
): Promise<{ number: number | null; votes: Map<number, VoteValue> }> {
  const rows = await sql<{ number: number; statement_id: number | null; value: number | null }>`
    select (select count(*) from opinion_maps_participant q where q.map_id = p.map_id and q.id <= p.id)::int as number,
      v.statement_id, v.value
    from opinion_maps_participant p left join opinion_maps_vote v on v.participant_id = p.id
    where p.map_id = ${mapId} and p.user_id = ${userId}`.execute(db);
  const votes = new Map<number, VoteValue>();
  for (const r of rows.rows) if (r.statement_id !== null) votes.set(r.statement_id, r.value as VoteValue);
  return { number: rows.rows[0]?.number ?? null, votes };
}

/**
 * Every vote of a map on accepted statements, as columns for the computation; participants are named by
 * their opaque number in the map (the rank of their row). `seq` is the last vote covered.
 */
export async function loadVotes(
  db: Executor,
  mapId: number,
): Promise<{ participant: Int32Array; statement: Int32Array; value: Int8Array; seq: string }> {
  const seq = await sql<{ seq: string | null }>`
    select max(seq)::text as seq from opinion_maps_vote where map_id = ${mapId}`.execute(db);
  // one row of three comma-separated lists: a million votes parse far faster than a million row objects
  const rows = await sql<{ p: string | null; s: string | null; v: string | null }>`
    with numbered as (
      select id, row_number() over (order by id)::int as n from opinion_maps_participant where map_id = ${mapId}
    )
    select string_agg(numbered.n::text, ',') as p, string_agg(v.statement_id::text, ',') as s,
      string_agg(v.value::text, ',') as v
    from opinion_maps_vote v join numbered on numbered.id = v.participant_id
    join opinion_maps_statement s on s.id = v.statement_id and s.status = 'accepted'
    where v.map_id = ${mapId}`.execute(db);
  const row = rows.rows[0];
  const participant = Int32Array.from(parseList(row?.p));
  const statement = Int32Array.from(parseList(row?.s));
  const value = Int8Array.from(parseList(row?.v));
  return { participant, statement, value, seq: seq.rows[0]?.seq ?? '0' };
}

function parseList(text: string | null | undefined): number[] {
  if (!text) return [];
  const out: number[] = [];
  let current = 0;
  let negative = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      out.push(negative ? -current : current);
      current = 0;
      negative = false;
    } else if (c === 45) negative = true;
    else current = current * 10 + (c - 48);
  }
  out.push(negative ? -current : current);
  return out;
}

/** The maps of a city whose votes changed since their stored result (or that have votes and no result). */
export async function findMapsToRecompute(db: Executor, organisationId: number | null): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select m.id from opinion_maps_map m left join opinion_maps_result r on r.map_id = m.id
    where m.status <> 'draft' and (${organisationId}::int is null or m.organisation_id = ${organisationId})
      and coalesce((select max(v.seq) from opinion_maps_vote v where v.map_id = m.id), 0) > coalesce(r.seq, 0)
    order by m.id`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function storeResult(
  db: Executor,
  mapId: number,
  values: { seq: string; votes: number; result: OpinionMapResult },
): Promise<void> {
  await sql`
    insert into opinion_maps_result (map_id, organisation_id, seq, votes, result, computed_at)
    select m.id, m.organisation_id, ${values.seq}, ${values.votes}, ${JSON.stringify(values.result)}::jsonb, now()
    from opinion_maps_map m where m.id = ${mapId}
    on conflict (map_id) do update set seq = excluded.seq, votes = excluded.votes, result = excluded.result,
      computed_at = excluded.computed_at`.execute(db);
}

export async function findResult(
  db: Executor,
  mapId: number,
): Promise<{ votes: number; computedAt: Date; result: OpinionMapResult } | undefined> {
  const row = await db
    .selectFrom('opinion_maps_result')
    .select(['votes', 'computed_at as computedAt', 'result'])
    .where('map_id', '=', mapId)
    .executeTakeFirst();
  return row && { votes: row.votes, computedAt: row.computedAt, result: row.result as OpinionMapResult };
}

/** The anonymised votes of a map for open data: participant number, statement, vote. */
export async function findAnonymisedVotes(
  db: Executor,
  mapId: number,
): Promise<Array<{ participant: number; statement: number; vote: number }>> {
  const rows = await sql<{ participant: number; statement: number; vote: number }>`
    with numbered as (
      select id, row_number() over (order by id)::int as n from opinion_maps_participant where map_id = ${mapId}
    )
    select numbered.n as participant, v.statement_id as statement, v.value as vote
    from opinion_maps_vote v join numbered on numbered.id = v.participant_id
    join opinion_maps_statement s on s.id = v.statement_id and s.status = 'accepted'
    where v.map_id = ${mapId} order by numbered.n, v.statement_id`.execute(db);
  return rows.rows;
}

/** GDPR: what a person wrote and voted in opinion maps. */
export async function findPersonalData(
  db: Executor,
  userId: number,
): Promise<{
  statements: Array<{ mapId: number; text: string }>;
  votes: Array<{ mapId: number; statementId: number; value: number }>;
}> {
  const statements = await db
    .selectFrom('opinion_maps_statement')
    .select(['map_id as mapId', 'text'])
    .where('author_id', '=', userId)
    .execute();
  const votes = await db
    .selectFrom('opinion_maps_vote as v')
    .innerJoin('opinion_maps_participant as p', 'p.id', 'v.participant_id')
    .select(['v.map_id as mapId', 'v.statement_id as statementId', 'v.value'])
    .where('p.user_id', '=', userId)
    .execute();
  return { statements, votes };
}

/** GDPR erasure: the votes stay, anonymous; statements lose their author or go when asked. */
export async function erasePersonalData(db: Executor, userId: number, removeContent: boolean): Promise<void> {
  await db.updateTable('opinion_maps_participant').set({ user_id: null }).where('user_id', '=', userId).execute();
  if (removeContent) await db.deleteFrom('opinion_maps_statement').where('author_id', '=', userId).execute();
  else
    await db.updateTable('opinion_maps_statement').set({ author_id: null }).where('author_id', '=', userId).execute();
}
