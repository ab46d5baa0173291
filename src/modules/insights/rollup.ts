// The daily rollups the dashboard reads, kept up to date incrementally: each run recomputes only the days
// whose reports or conversations changed since the previous run, read through the other modules' index.ts.

import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { conversationDayFacts, conversationDaysChangedSince, firstResponseGoalHours } from '../inbox/index.ts';
import { reportDayFacts, reportDaysChangedSince } from '../reports/index.ts';
import { daysBetween } from './periods.ts';
import { databaseNow, findRollupState, replaceDays, type DailyRow } from './rollup.repository.ts';

export const ROLLUP_JOB = 'insights.rollup';
export const ROLLUP_EVERY_MS = 5 * 60_000;
/** Changes committed late (a long transaction) are caught by reading again this far back. */
const OVERLAP_MS = 5 * 60_000;
/** Days recomputed per statement: each statement reads a span of at most this many days (an index range). */
const SPAN_DAYS = 62;

/** The sorted days cut into slices each spanning at most SPAN_DAYS, so that each read is one short range. */
function slices(days: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const day of days) {
    const first = current[0];
    if (first !== undefined && daysBetween(first, day) >= SPAN_DAYS) {
      out.push(current);
      current = [];
    }
    current.push(day);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Brings one city's rollups up to date; answers how many days were recomputed. */
export async function rollUpCity(ctx: AppContext, organisation: Organisation): Promise<number> {
  const tz = organisation.timeZone;
  const started = await databaseNow(ctx.db);
  const watermark = new Date(started.getTime() - OVERLAP_MS);
  let recomputed = 0;

  const reportsState = await findRollupState(ctx.db, organisation.id, 'reports');
  const reportDays = await reportDaysChangedSince(ctx.db, organisation.id, reportsState?.watermark ?? null, tz);
  for (const days of slices(reportDays)) {
    const facts = await reportDayFacts(ctx.db, organisation.id, days, tz);
    const rows: DailyRow[] = facts.map((fact) => ({
      day: fact.day,
      departmentId: fact.departmentId,
      districtId: fact.districtId,
      channel: fact.channel,
      language: '',
      items: fact.items,
      done: fact.fixed,
      doneHours: fact.fixedHours,
      responded: 0,
      responseHours: 0,
      withGoal: fact.closedWithDeadline,
      inGoal: fact.closedByDeadline,
      answers: 0,
      sameChannel: 0,
    }));
    await ctx.db.transaction().execute((tx) =>
      replaceDays(tx, organisation.id, 'reports', days, rows, {
        watermark: reportsState?.watermark ?? new Date(0),
        goalHours: null,
      }),
    );
    recomputed += days.length;
  }
  await ctx.db
    .transaction()
    .execute((tx) => replaceDays(tx, organisation.id, 'reports', [], [], { watermark, goalHours: null }));

  const goalHours = await firstResponseGoalHours(ctx.db, organisation.id);
  const inboxState = await findRollupState(ctx.db, organisation.id, 'inbox');
  // a new goal changes which answers were in time: every day is counted again
  const since = inboxState && inboxState.goalHours === goalHours ? inboxState.watermark : null;
  const inboxDays = await conversationDaysChangedSince(ctx.db, organisation.id, since, tz);
  for (const days of slices(inboxDays)) {
    const facts = await conversationDayFacts(ctx.db, organisation.id, days, tz, goalHours);
    const rows: DailyRow[] = facts.map((fact) => ({
      day: fact.day,
      departmentId: fact.departmentId,
      districtId: fact.districtId,
      channel: fact.channel,
      language: fact.language,
      items: fact.items,
      done: fact.done,
      doneHours: fact.doneHours,
      responded: fact.responded,
      responseHours: fact.responseHours,
      withGoal: fact.items,
      inGoal: fact.respondedInGoal,
      answers: fact.answers,
      sameChannel: fact.answersOnSameChannel,
    }));
    await ctx.db.transaction().execute((tx) =>
      replaceDays(tx, organisation.id, 'inbox', days, rows, {
        watermark: since ?? new Date(0),
        goalHours: inboxState?.goalHours ?? null,
      }),
    );
    recomputed += days.length;
  }
  await ctx.db
    .transaction()
    .execute((tx) => replaceDays(tx, organisation.id, 'inbox', [], [], { watermark, goalHours }));
  return recomputed;
}

/** The recurring job: every city in turn. */
export async function runRollupJob(ctx: AppContext): Promise<void> {
  for (const organisation of await ctx.organisations.findAll()) await rollUpCity(ctx, organisation);
}
