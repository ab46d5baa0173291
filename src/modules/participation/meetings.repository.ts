import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './meetings.schema.ts';
import { json } from './processes.repository.ts';

export interface Meeting {
  id: number;
  organisationId: number;
  processId: number;
  title: Translated;
  description: Translated;
  startsAt: Date;
  endsAt: Date;
  address: string | null;
  lat: number | null;
  lng: number | null;
  onlineUrl: string | null;
  capacity: number;
  registrations: number;
  minutes: Translated | null;
  minutesPublishedAt: Date | null;
  proposalIds: number[];
  createdAt: Date;
  updatedAt: Date;
  /** iCalendar SEQUENCE: how many times staff changed the meeting. */
  sequence: number;
}

export interface MeetingValues {
  title: Translated;
  description: Translated;
  startsAt: Date;
  endsAt: Date;
  address: string | null;
  lat: number | null;
  lng: number | null;
  onlineUrl: string | null;
  capacity: number;
  proposalIds: number[];
}

const proposalIdsColumn = sql<
  number[]
>`coalesce((select array_agg(mp.proposal_id order by mp.proposal_id) from participation_meeting_proposal mp where mp.meeting_id = m.id), '{}')`;

function query(db: Executor, organisationId: number) {
  return db
    .selectFrom('participation_meeting as m')
    .select([
      'm.id',
      'm.organisation_id',
      'm.process_id',
      'm.title',
      'm.description',
      'm.starts_at',
      'm.ends_at',
      'm.address',
      'm.lat',
      'm.lng',
      'm.online_url',
      'm.capacity',
      'm.registrations_count',
      'm.minutes',
      'm.minutes_published_at',
      'm.created_at',
      'm.updated_at',
      'm.sequence',
      proposalIdsColumn.as('proposal_ids'),
    ])
    .where('m.organisation_id', '=', organisationId);
}

type Row = Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>;

function toMeeting(row: Row): Meeting {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    processId: row.process_id,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    onlineUrl: row.online_url,
    capacity: row.capacity,
    registrations: row.registrations_count,
    minutes: row.minutes === null ? null : (json(row.minutes) as Translated),
    minutesPublishedAt: row.minutes_published_at,
    proposalIds: row.proposal_ids.map(Number),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sequence: row.sequence,
  };
}

/** One meeting of a city, with the ids of the proposals it discusses. */
export async function findMeeting(db: Executor, organisationId: number, id: number): Promise<Meeting | undefined> {
  const row = await query(db, organisationId).where('m.id', '=', id).executeTakeFirst();
  return row ? toMeeting(row) : undefined;
}

/** The meetings of a process in date order. */
export async function findMeetings(db: Executor, organisationId: number, processId: number): Promise<Meeting[]> {
  const rows = await query(db, organisationId)
    .where('m.process_id', '=', processId)
    .orderBy('m.starts_at')
    .orderBy('m.id')
    .execute();
  return rows.map(toMeeting);
}

/** The city's meetings that end after `since`, in date order (the city's calendar feed), at most `limit`. */
export async function findCityMeetings(
  db: Executor,
  organisationId: number,
  since: Date,
  limit: number,
): Promise<Meeting[]> {
  const rows = await query(db, organisationId)
    .where('m.ends_at', '>', since)
    .orderBy('m.starts_at')
    .orderBy('m.id')
    .limit(limit)
    .execute();
  return rows.map(toMeeting);
}

function columns(values: MeetingValues) {
  return {
    title: JSON.stringify(values.title),
    description: JSON.stringify(values.description),
    starts_at: values.startsAt,
    ends_at: values.endsAt,
    address: values.address,
    lat: values.lat,
    lng: values.lng,
    online_url: values.onlineUrl,
    capacity: values.capacity,
  };
}

async function linkProposals(
  db: Executor,
  organisationId: number,
  meetingId: number,
  proposalIds: number[],
): Promise<void> {
  await db.deleteFrom('participation_meeting_proposal').where('meeting_id', '=', meetingId).execute();
  if (proposalIds.length > 0)
    await db
      .insertInto('participation_meeting_proposal')
      .values(
        proposalIds.map((proposalId) => ({
          organisation_id: organisationId,
          meeting_id: meetingId,
          proposal_id: proposalId,
        })),
      )
      .execute();
}

export async function insertMeeting(
  db: Executor,
  organisationId: number,
  processId: number,
  values: MeetingValues,
): Promise<number> {
  const row = await db
    .insertInto('participation_meeting')
    .values({ organisation_id: organisationId, process_id: processId, ...columns(values) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await linkProposals(db, organisationId, row.id, values.proposalIds);
  return row.id;
}

export async function updateMeetingRow(
  db: Executor,
  organisationId: number,
  meetingId: number,
  values: MeetingValues,
): Promise<void> {
  await db
    .updateTable('participation_meeting')
    .set((eb) => ({ ...columns(values), updated_at: new Date(), sequence: eb('sequence', '+', 1) }))
    .where('id', '=', meetingId)
    .execute();
  await linkProposals(db, organisationId, meetingId, values.proposalIds);
}

export async function storeMinutes(
  db: Executor,
  meetingId: number,
  minutes: Translated,
  userId: number,
  at: Date,
): Promise<void> {
  await db
    .updateTable('participation_meeting')
    .set({ minutes: JSON.stringify(minutes), minutes_published_at: at, minutes_by: userId, updated_at: at })
    .where('id', '=', meetingId)
    .execute();
}

/**
 * Takes one of the free places of a meeting: raises the count only while it is under the capacity. The
 * UPDATE locks the meeting's row, so racing registrations queue on it and each one re-reads the count
 * it increments; false when the meeting is full.
 */
export async function takePlace(db: Executor, meetingId: number): Promise<boolean> {
  const row = await db
    .updateTable('participation_meeting')
    .set((eb) => ({ registrations_count: eb('registrations_count', '+', 1) }))
    .where('id', '=', meetingId)
    .whereRef('registrations_count', '<', 'capacity')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function releasePlace(db: Executor, meetingId: number): Promise<void> {
  await db
    .updateTable('participation_meeting')
    .set((eb) => ({ registrations_count: eb('registrations_count', '-', 1) }))
    .where('id', '=', meetingId)
    .where('registrations_count', '>', 0)
    .execute();
}

/** Inserts a registration unless this person has one already (the UNIQUE constraint decides); true when inserted. */
export async function insertRegistration(
  db: Executor,
  organisationId: number,
  meetingId: number,
  userId: number,
): Promise<boolean> {
  const row = await db
    .insertInto('participation_meeting_registration')
    .values({ organisation_id: organisationId, meeting_id: meetingId, user_id: userId })
    .onConflict((oc) => oc.constraint('participation_meeting_registration_one_per_resident').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteRegistration(db: Executor, meetingId: number, userId: number): Promise<boolean> {
  const row = await db
    .deleteFrom('participation_meeting_registration')
    .where('meeting_id', '=', meetingId)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function isRegistered(db: Executor, meetingId: number, userId: number): Promise<boolean> {
  return (
    (await db
      .selectFrom('participation_meeting_registration')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', userId)
      .executeTakeFirst()) !== undefined
  );
}

/** Which of these proposals exist, are visible and belong to the process. */
export async function proposalsOfProcess(
  db: Executor,
  organisationId: number,
  processId: number,
  ids: number[],
): Promise<Array<{ id: number; title: string }>> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('participation_proposal')
    .select(['id', 'title'])
    .where('organisation_id', '=', organisationId)
    .where('process_id', '=', processId)
    .where('id', 'in', ids)
    .where('hidden_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** The meetings that discuss a proposal, in date order (for the proposal's page). */
export async function findMeetingsAbout(
  db: Executor,
  organisationId: number,
  proposalId: number,
): Promise<Array<{ id: number; title: Translated; startsAt: Date }>> {
  const rows = await db
    .selectFrom('participation_meeting_proposal as mp')
    .innerJoin('participation_meeting as m', 'm.id', 'mp.meeting_id')
    .select(['m.id', 'm.title', 'm.starts_at'])
    .where('mp.organisation_id', '=', organisationId)
    .where('mp.proposal_id', '=', proposalId)
    .orderBy('m.starts_at')
    .execute();
  return rows.map((row) => ({ id: row.id, title: json(row.title) as Translated, startsAt: row.starts_at }));
}
