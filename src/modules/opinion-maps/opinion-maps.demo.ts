import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { prng } from './math/matrix.ts';
import { recomputeMap } from './opinion-maps.use-cases.ts';

/**
 * Statements of the demo map with how each of the two planted camps votes: the chance that a member of
 * the "streets for people" camp (first number) and of the "keep the harbour working and reachable" camp
 * (second) agrees. The last one everyone agrees with: the consensus the results must find.
 */
const STATEMENTS: Array<[string, number, number]> = [
  ['The harbour front should be closed to cars on weekends.', 0.9, 0.1],
  ['We need more parking near the harbour, not less.', 0.1, 0.9],
  ['Old warehouses should become homes and workshops.', 0.85, 0.3],
  ['The ferry terminal must stay where it is.', 0.3, 0.9],
  ['A tram line to the harbour is worth its cost.', 0.9, 0.25],
  ['Delivery lorries need their own lanes at night.', 0.3, 0.85],
  ['Trees should line every harbour street.', 0.95, 0.5],
  ['The fish market should keep its early-morning access road.', 0.4, 0.95],
  ['Pavements along the water must be safe for children and older people.', 0.95, 0.92],
];

/** An opinion map in the master plan process, with votes that form two clear groups and one shared statement. */
export async function seedOpinionMaps(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const process = await sql<{ id: number }>`
    select id from participation_process where organisation_id = ${organisation.id}
    order by (slug = 'master-plan-2040') desc, id limit 1`.execute(ctx.db);
  const processId = process.rows[0]?.id;
  if (processId === undefined) return;
  const map = await ctx.db
    .insertInto('opinion_maps_map')
    .values({
      organisation_id: organisation.id,
      process_id: processId,
      question: JSON.stringify({
        en: 'What should the harbour district become?',
        it: 'Che cosa dovrebbe diventare il quartiere del porto?',
        fr: 'Que doit devenir le quartier du port ?',
        ro: 'Ce ar trebui să devină cartierul portului?',
        de: 'Was soll aus dem Hafenviertel werden?',
      }),
      moderation: 'after',
      status: 'open',
      created_at: new Date(Date.now() - 12 * 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const statementIds: number[] = [];
  for (const [text] of STATEMENTS) {
    const row = await ctx.db
      .insertInto('opinion_maps_statement')
      .values({
        organisation_id: organisation.id,
        map_id: map.id,
        author_id: null,
        text,
        status: 'accepted',
        moderated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    statementIds.push(row.id);
  }
  const random = prng(2040);
  // demo residents (who may sign in and see where they stand) and 80 anonymous participants
  const userIds: Array<number | null> = [...people.residents, ...Array.from({ length: 80 }, () => null)];
  const votes: Array<{
    organisation_id: number;
    participant_id: number;
    statement_id: number;
    map_id: number;
    value: number;
  }> = [];
  for (const [index, userId] of userIds.entries()) {
    const participant = await ctx.db
      .insertInto('opinion_maps_participant')
      .values({ organisation_id: organisation.id, map_id: map.id, user_id: userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const camp = index % 5 < 3 ? 1 : 2;
    STATEMENTS.forEach(([, first, second], s) => {
      if (random() < 0.1) return; // a few statements skipped
      const agree = camp === 1 ? first : second;
      const r = random();
      const value = r < 0.06 ? 0 : random() < agree ? 1 : -1;
      votes.push({
        organisation_id: organisation.id,
        participant_id: participant.id,
        statement_id: statementIds[s] ?? 0,
        map_id: map.id,
        value,
      });
    });
  }
  await ctx.db.insertInto('opinion_maps_vote').values(votes).execute();
  await recomputeMap(ctx, map.id);
}
