import type { Viewer } from '../../../platform/auth/users.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { Db, Executor } from '../../../platform/db/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import {
  deleteMessageCodes,
  findAppliedCodeIds,
  findCodeRows,
  findCodingFigures,
  findMessageCodeRows,
  findUsableCodes,
  insertCode,
  insertMessageCodes,
  markCodeArchived,
  messageExists,
  updateCode,
} from './coding.repository.ts';
import '../inbox.schema.ts';

/**
 * Qualitative coding, as researchers do it in Atlas.ti: the city keeps its own code book (codes,
 * optionally grouped under a parent), staff apply codes to messages, and the counts and co-occurrences
 * of codes show what residents talk about together.
 */
export interface Code {
  id: number;
  parentId: number | null;
  name: string;
  description: string | null;
  archived: boolean;
  uses: number;
}

/** The code book with how often each code is applied; archived codes last. */
export async function findCodes(db: Executor, organisationId: number): Promise<Code[]> {
  const rows = await findCodeRows(db, organisationId);
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    description: row.description,
    archived: row.archived_at !== null,
    uses: row.uses,
  }));
}

export type CodeInput = { name: string; description: string; parentId: number | null };

/** Checks a code's fields; returns field errors as message keys. */
function validate(
  input: CodeInput,
  codes: Code[],
  codeId: number | undefined,
): Record<
  string,
  | 'inbox.codes.error.name'
  | 'inbox.codes.error.duplicate'
  | 'inbox.codes.error.parent'
  | 'inbox.codes.error.description'
> {
  const errors: ReturnType<typeof validate> = {};
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) errors.name = 'inbox.codes.error.name';
  else if (codes.some((code) => code.id !== codeId && code.name.toLowerCase() === name.toLowerCase()))
    errors.name = 'inbox.codes.error.duplicate';
  if (input.description.length > 500) errors.description = 'inbox.codes.error.description';
  if (input.parentId !== null) {
    const parent = codes.find((code) => code.id === input.parentId);
    // One level of grouping: a parent must exist, be a top-level code, and not be the code itself.
    if (!parent || parent.parentId !== null || parent.id === codeId) errors.parentId = 'inbox.codes.error.parent';
  }
  return errors;
}

/** Creates or changes a code (configure right); returns field errors instead of saving when the input is wrong. */
export async function saveCode(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  codeId: number | undefined,
  input: CodeInput,
): Promise<{ ok: true; id: number } | { ok: false; errors: ReturnType<typeof validate> }> {
  authorizeInbox(viewer, 'answer');
  const codes = await findCodes(db, organisationId);
  if (codeId !== undefined && !codes.some((code) => code.id === codeId)) throw new AppError('INBOX_CODE_NOT_FOUND');
  const errors = validate(input, codes, codeId);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const values = { name: input.name.trim(), description: input.description.trim() || null, parent_id: input.parentId };
  return inTransaction(db, async (tx) => {
    const id =
      codeId === undefined
        ? await insertCode(tx, organisationId, values)
        : await updateCode(tx, organisationId, codeId, values);
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: codeId === undefined ? 'inbox.code.create' : 'inbox.code.update',
      subjectType: 'inbox_code',
      subjectId: id,
      after: values,
    });
    return { ok: true as const, id };
  });
}

/** Archives or restores a code: archived codes stay on the messages they were applied to but are no longer offered. */
export async function setCodeArchived(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  codeId: number,
  archived: boolean,
): Promise<void> {
  authorizeInbox(viewer, 'answer');
  await inTransaction(db, async (tx) => {
    if (!(await markCodeArchived(tx, organisationId, codeId, archived))) throw new AppError('INBOX_CODE_NOT_FOUND');
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: archived ? 'inbox.code.archive' : 'inbox.code.restore',
      subjectType: 'inbox_code',
      subjectId: codeId,
    });
  });
}

/** The codes applied to each of the given messages. */
export async function findMessageCodes(
  db: Executor,
  organisationId: number,
  messageIds: number[],
): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (messageIds.length === 0) return map;
  const rows = await findMessageCodeRows(db, organisationId, messageIds);
  for (const row of rows) map.set(row.message_id, [...(map.get(row.message_id) ?? []), row.code_id]);
  return map;
}

/**
 * Sets the codes of one incoming message to exactly `codeIds` (a form with one checkbox per code sends
 * the whole set). Unknown or archived codes are refused; codes already applied are kept as they were.
 */
export async function setMessageCodes(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  messageId: number,
  codeIds: number[],
): Promise<void> {
  authorizeInbox(viewer, 'answer');
  await inTransaction(db, async (tx) => {
    if (!(await messageExists(tx, organisationId, messageId))) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
    const current = await findAppliedCodeIds(tx, messageId);
    const wanted = [...new Set(codeIds)];
    const added = wanted.filter((id) => !current.includes(id));
    if (added.length > 0) {
      const usable = await findUsableCodes(tx, organisationId, added);
      if (usable.length !== added.length) throw new AppError('INBOX_CODE_NOT_FOUND');
      await insertMessageCodes(tx, organisationId, messageId, added, viewer.id);
    }
    const removed = current.filter((id) => !wanted.includes(id));
    if (removed.length > 0) await deleteMessageCodes(tx, messageId, removed);
  });
}

export interface CodingAnalysis {
  codedMessages: number;
  counts: Array<{ codeId: number; count: number }>;
  /** Messages coded with both codes, for each pair that occurs (codeA < codeB). */
  pairs: Array<{ a: number; b: number; count: number }>;
}

/** Counts of each code and of each pair of codes on the same message, for messages of a period. */
export async function analyseCoding(
  db: Executor,
  organisationId: number,
  range: { from: Date; to: Date },
): Promise<CodingAnalysis> {
  const figures = await findCodingFigures(db, organisationId, range);
  return {
    codedMessages: figures.codedMessages,
    counts: figures.counts.map((row) => ({ codeId: row.code_id, count: row.count })),
    pairs: figures.pairs.map((row) => ({ a: row.a, b: row.b, count: row.count })),
  };
}
