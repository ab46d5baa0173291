import type { AppContext } from '../../../platform/context.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import { AppError } from '../../../platform/errors.ts';
import { findChannelRecord, findChannels, insertChannel } from '../channels.repository.ts';
import { ingestMessages } from '../ingest.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { ImportFileError, parseImportFile, type ParsedImport } from './import.ts';

/** What an import did: rows read, stored, already there, and the rows refused with their line. */
export interface ImportOutcome {
  channelId: number;
  total: number;
  stored: number;
  duplicates: number;
  problems: ParsedImport['problems'];
}

/** A file problem as the page shows it (INBOX_IMPORT_TOO_LARGE or INBOX_IMPORT_FORMAT with a reason). */
function fileError(error: ImportFileError): AppError {
  if (error.reason === 'too-large') return new AppError('INBOX_IMPORT_TOO_LARGE');
  return new AppError('INBOX_IMPORT_FORMAT', undefined, { reason: error.reason });
}

/** Reads a file for the preview; administrators only (the policy's `configure`). */
export function previewImport(viewer: Viewer | null, text: string, fileName: string): ParsedImport {
  authorizeInbox(viewer, 'configure');
  try {
    return parseImportFile(text, fileName);
  } catch (error) {
    if (error instanceof ImportFileError) throw fileError(error);
    throw error;
  }
}

/** The city's import channels, for the page's choice. */
export async function importChannels(
  ctx: AppContext,
  viewer: Viewer | null,
  organisationId: number,
): Promise<Array<{ id: number; name: string }>> {
  authorizeInbox(viewer, 'configure');
  return (await findChannels(ctx.db, organisationId, ctx.config.secretKey))
    .filter((channel) => channel.kind === 'import')
    .map((channel) => ({ id: channel.id, name: channel.name }));
}

/**
 * Imports a file into an import channel (an existing one, or a new one with the name given). The good
 * rows are stored in one transaction, each once: rows already imported count as duplicates. The
 * import is written to the audit log with its counts.
 */
export async function importFile(
  ctx: AppContext,
  viewer: Viewer | null,
  organisationId: number,
  input: { text: string; fileName: string; channelId: number | null; newChannelName: string },
): Promise<ImportOutcome> {
  authorizeInbox(viewer, 'configure');
  const parsed = previewImport(viewer, input.text, input.fileName);
  let channelId = input.channelId;
  if (channelId === null) {
    const name = input.newChannelName.trim().slice(0, 120) || input.fileName.trim().slice(0, 120) || 'Import';
    channelId = await insertChannel(ctx.db, ctx.config.secretKey, {
      organisationId,
      kind: 'import',
      name,
      settings: {},
      secrets: {},
    });
  }
  const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, organisationId, channelId, 'import');
  if (!channel) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  const outcome =
    parsed.rows.length > 0
      ? await ingestMessages(
          ctx.db,
          ctx.jobs,
          channel,
          parsed.rows.map((row) => row.message),
        )
      : { stored: 0, duplicates: 0 };
  await recordAudit(ctx.db, {
    organisationId,
    actor: { id: viewer.id, label: viewer.displayName },
    action: 'inbox.import',
    subjectType: 'inbox_channel',
    subjectId: channel.id,
    after: {
      file: input.fileName.slice(0, 200),
      format: parsed.format,
      total: parsed.total,
      stored: outcome.stored,
      duplicates: outcome.duplicates,
      refused: parsed.problems.length,
    },
  });
  return {
    channelId: channel.id,
    total: parsed.total,
    stored: outcome.stored,
    duplicates: outcome.duplicates,
    problems: parsed.problems,
  };
}
