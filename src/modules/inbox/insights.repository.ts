// What the insights module reads of the inbox, through index.ts: the days whose conversations changed,
// and the daily facts of those days (conversations counted on the day of their first message).

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export interface ConversationDayFact {
  day: string;
  departmentId: number;
  districtId: number;
  channel: string;
  language: string;
  items: number;
  responded: number;
  responseHours: number;
  respondedInGoal: number;
  done: number;
  doneHours: number;
  answers: number;
  answersOnSameChannel: number;
}

/** The city's goal for a first response, in hours (24 when never set). */
export async function firstResponseGoalHours(db: Executor, organisationId: number): Promise<number> {
  const row = await db
    .selectFrom('inbox_setting')
    .select('first_response_goal_hours')
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.first_response_goal_hours ?? 24;
}

/** The days (in `timeZone`) on which conversations active or closed since `since` began; every day when null. */
export async function conversationDaysChangedSince(
  db: Executor,
  organisationId: number,
  since: Date | null,
  timeZone: string,
): Promise<string[]> {
  const result = await sql<{ day: string }>`
    select distinct to_char((first_message_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day
    from inbox_conversation
    where organisation_id = ${organisationId}
      ${since ? sql`and (last_message_at > ${since} or done_at > ${since})` : sql``}`.execute(db);
  return result.rows.map((row) => row.day).sort();
}

/**
 * Facts of the conversations that began on `days`, per department, district, channel kind and language:
 * how many, how many answered and the hours to the first answer (and how many within `goalHours`), how
 * many done and the hours to done, and the answers staff wrote, with those sent on the conversation's own
 * channel.
 */
export async function conversationDayFacts(
  db: Executor,
  organisationId: number,
  days: readonly string[],
  timeZone: string,
  goalHours: number,
): Promise<ConversationDayFact[]> {
  if (days.length === 0) return [];
  const first = days[0] as string;
  const last = days.at(-1) as string;
  const result = await sql<{
    day: string;
    department_id: number;
    district_id: number;
    channel: string;
    language: string;
    items: string;
    responded: string;
    response_hours: number | null;
    in_goal: string;
    done: string;
    done_hours: number | null;
    answers: string | null;
    same_channel: string | null;
  }>`
    select to_char((c.first_message_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day,
      coalesce(c.department_id, 0) as department_id, coalesce(c.first_district_id, 0) as district_id,
      ch.kind as channel, coalesce(c.first_language, '') as language,
      count(*) as items,
      count(c.first_response_at) as responded,
      sum(extract(epoch from c.first_response_at - c.first_message_at) / 3600)::float8 as response_hours,
      count(*) filter (where c.first_response_at <= c.first_message_at + make_interval(hours => ${goalHours})) as in_goal,
      count(c.done_at) as done,
      sum(extract(epoch from c.done_at - c.first_message_at) / 3600)::float8 as done_hours,
      sum(a.answers) as answers,
      sum(a.same_channel) as same_channel
    from inbox_conversation c
    join inbox_channel ch on ch.id = c.channel_id
    left join lateral (
      select count(*) as answers, count(*) filter (where m.channel_id = c.channel_id) as same_channel
      from inbox_message m
      where m.conversation_id = c.id and m.direction = 'out' and not m.automatic
    ) a on c.first_response_at is not null
    where c.organisation_id = ${organisationId}
      and c.first_message_at >= (${first}::date::timestamp at time zone ${timeZone})
      and c.first_message_at < ((${last}::date + 1)::timestamp at time zone ${timeZone})
      and to_char((c.first_message_at at time zone ${timeZone})::date, 'YYYY-MM-DD') = any(${[...days]}::text[])
    group by 1, 2, 3, 4, 5`.execute(db);
  return result.rows.map((row) => ({
    day: row.day,
    departmentId: row.department_id,
    districtId: row.district_id,
    channel: row.channel,
    language: row.language,
    items: Number(row.items),
    responded: Number(row.responded),
    responseHours: row.response_hours ?? 0,
    respondedInGoal: Number(row.in_goal),
    done: Number(row.done),
    doneHours: row.done_hours ?? 0,
    answers: Number(row.answers ?? 0),
    answersOnSameChannel: Number(row.same_channel ?? 0),
  }));
}
