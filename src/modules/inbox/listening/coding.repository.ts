import { sql } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import '../inbox.schema.ts';

/** The city's codes with how often each is applied; archived codes last. */
export async function findCodeRows(db: Executor, organisationId: number) {
  return db
    .selectFrom('inbox_code as c')
    .leftJoin('inbox_message_code as mc', 'mc.code_id', 'c.id')
    .select([
      'c.id',
      'c.parent_id',
      'c.name',
      'c.description',
      'c.archived_at',
      (eb) => eb.fn.count<number>('mc.message_id').as('uses'),
    ])
    .where('c.organisation_id', '=', organisationId)
    .groupBy(['c.id'])
    .orderBy(sql`c.archived_at is not null`)
    .orderBy('c.name')
    .execute();
}

interface CodeValues {
  name: string;
  description: string | null;
  parent_id: number | null;
}

export async function insertCode(db: Executor, organisationId: number, values: CodeValues): Promise<number> {
  return (
    await db
      .insertInto('inbox_code')
      .values({ organisation_id: organisationId, ...values, archived_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function updateCode(
  db: Executor,
  organisationId: number,
  codeId: number,
  values: CodeValues,
): Promise<number> {
  return (
    await db
      .updateTable('inbox_code')
      .set(values)
      .where('id', '=', codeId)
      .where('organisation_id', '=', organisationId)
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Archives (now) or restores a city's code; false when there is no such code. */
export async function markCodeArchived(
  db: Executor,
  organisationId: number,
  codeId: number,
  archived: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('inbox_code')
    .set({ archived_at: archived ? new Date() : null })
    .where('id', '=', codeId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) !== 0;
}

/** The (message, code) pairs applied to the given messages of the city. */
export async function findMessageCodeRows(db: Executor, organisationId: number, messageIds: number[]) {
  return db
    .selectFrom('inbox_message_code')
    .select(['message_id', 'code_id'])
    .where('organisation_id', '=', organisationId)
    .where('message_id', 'in', messageIds)
    .execute();
}

/** Whether the message exists in the city. */
export async function messageExists(db: Executor, organisationId: number, messageId: number): Promise<boolean> {
  const message = await db
    .selectFrom('inbox_message')
    .select('id')
    .where('id', '=', messageId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return message !== undefined;
}

/** The ids of the codes applied to one message. */
export async function findAppliedCodeIds(db: Executor, messageId: number): Promise<number[]> {
  return (
    await db.selectFrom('inbox_message_code').select('code_id').where('message_id', '=', messageId).execute()
  ).map((row) => row.code_id);
}

/** Of the given code ids, those of the city's codes that are not archived. */
export async function findUsableCodes(db: Executor, organisationId: number, codeIds: number[]) {
  return db
    .selectFrom('inbox_code')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .where('id', 'in', codeIds)
    .execute();
}

/** Applies codes to a message (codes already applied are left as they were). */
export async function insertMessageCodes(
  db: Executor,
  organisationId: number,
  messageId: number,
  codeIds: number[],
  codedBy: number,
): Promise<void> {
  await db
    .insertInto('inbox_message_code')
    .values(
      codeIds.map((codeId) => ({
        organisation_id: organisationId,
        message_id: messageId,
        code_id: codeId,
        coded_by: codedBy,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteMessageCodes(db: Executor, messageId: number, codeIds: number[]): Promise<void> {
  await db
    .deleteFrom('inbox_message_code')
    .where('message_id', '=', messageId)
    .where('code_id', 'in', codeIds)
    .execute();
}

/** Per code and per pair of codes, and overall, the coded messages of a period. */
export async function findCodingFigures(db: Executor, organisationId: number, range: { from: Date; to: Date }) {
  const inRange = sql`m.organisation_id = ${organisationId} and m.sent_at >= ${range.from} and m.sent_at < ${range.to}`;
  const [counts, pairs, coded] = await Promise.all([
    sql<{ code_id: number; count: number }>`
      select mc.code_id, count(*)::int as count from inbox_message_code mc join inbox_message m on m.id = mc.message_id
      where ${inRange} group by mc.code_id order by count desc`.execute(db),
    sql<{ a: number; b: number; count: number }>`
      select x.code_id as a, y.code_id as b, count(*)::int as count
      from inbox_message_code x join inbox_message_code y on y.message_id = x.message_id and y.code_id > x.code_id
      join inbox_message m on m.id = x.message_id
      where ${inRange} group by x.code_id, y.code_id order by count desc`.execute(db),
    sql<{
      n: number;
    }>`select count(distinct mc.message_id)::int as n from inbox_message_code mc join inbox_message m on m.id = mc.message_id where ${inRange}`.execute(
      db,
    ),
  ]);
  return { counts: counts.rows, pairs: pairs.rows, codedMessages: coded.rows[0]?.n ?? 0 };
}
