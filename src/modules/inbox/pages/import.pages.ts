import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage } from '../../../platform/web/layout.ts';
import { decodeUpload, MAX_IMPORT_BYTES, type ParsedImport } from '../channels/import.ts';
import { importChannels, importFile, previewImport, type ImportOutcome } from '../channels/import-run.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import type { Static } from 'typebox';
import { invalidForm, parseId, readForm } from '../../../platform/web/forms.ts';
import { ImportForm } from '../inbox.forms.ts';

const PATH = '/staff/inbox/import';
const PREVIEW_ROWS = 10;
const LISTED_PROBLEMS = 50;

/** A file part as the multipart hook leaves it in the body: its bytes and the name it had on the staff member's computer. */
interface UploadedFile {
  kind: 'import-file';
  data: Buffer;
  name: string;
}

/** The uploaded file (a file input) or pasted text, as text; over the limit is refused with INBOX_IMPORT_TOO_LARGE. */
function uploaded(fields: Static<typeof ImportForm>): { text: string; fileName: string } {
  const file = fields.file as UploadedFile | undefined;
  const pasted = fields.content;
  if (file?.kind === 'import-file' && file.data.length > 0) {
    if (file.data.length > MAX_IMPORT_BYTES) throw new AppError('INBOX_IMPORT_TOO_LARGE');
    return { text: decodeUpload(file.data), fileName: file.name.slice(0, 200) };
  }
  const fileName = fields.fileName.slice(0, 200);
  if (pasted.length > MAX_IMPORT_BYTES) throw new AppError('INBOX_IMPORT_TOO_LARGE');
  return { text: pasted, fileName };
}

function errorText(request: FastifyRequest, error: AppError): string {
  const reason = error.details?.reason;
  if (error.code === 'INBOX_IMPORT_FORMAT' && typeof reason === 'string')
    return request.t(`inbox.sources.import.reason.${reason}` as MessageKey);
  if (error.code === 'INBOX_IMPORT_TOO_LARGE') return request.t('inbox.error.INBOX_IMPORT_TOO_LARGE');
  return error.message;
}

/** Runs a file check; a file the import refuses (too large, not CSV or JSON…) becomes the message for the form. */
function refusedFile<T>(request: FastifyRequest, read: () => T): T | { refused: string } {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code.startsWith('INBOX_IMPORT_'))
      return { refused: errorText(request, error) };
    throw error;
  }
}

function page(request: FastifyRequest, reply: FastifyReply, main: Html, status = 200): FastifyReply {
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: request.t('inbox.sources.import.title'),
    noIndex: true,
    status,
    main: html`<p><a href="/staff/inbox">← ${request.t('inbox.nav')}</a></p>
<h1>${request.t('inbox.sources.import.title')}</h1>${main}`,
  });
}

function uploadForm(request: FastifyRequest, error?: string): Html {
  const { t } = request;
  return html`${errorSummary(request, error ? { file: error } : {})}
<p>${t('inbox.sources.import.lead')}</p>
<form method="post" action="${PATH}/preview" enctype="multipart/form-data" class="stack">
  ${csrfField(request)}
  <div class="field${error ? ' field--error' : ''}"><label for="file">${t('inbox.sources.import.file')}</label>
  <p class="field__hint" id="file-hint">${t('inbox.sources.import.file.hint', { megabytes: MAX_IMPORT_BYTES / 1024 / 1024 })}</p>
  ${error ? html`<p class="field__error" id="file-error">${error}</p>` : ''}
  <input type="file" id="file" name="file" accept=".csv,.json,.txt,text/csv,application/json" aria-describedby="file-hint${error ? ' file-error' : ''}"${error ? html` aria-invalid="true"` : ''}></div>
  <div class="field"><label for="content">${t('inbox.sources.import.paste')}</label>
  <textarea id="content" name="content" rows="6"></textarea></div>
  <button type="submit" class="button">${t('inbox.sources.import.preview')}</button>
</form>`;
}

function problemList(
  request: FastifyRequest,
  format: ParsedImport['format'],
  problems: ParsedImport['problems'],
): Html {
  const { t } = request;
  if (problems.length === 0) return html``;
  return html`<h2>${t('inbox.sources.import.problems', { count: problems.length })}</h2>
<ul>${problems.slice(0, LISTED_PROBLEMS).map((p) => html`<li>${t(format === 'csv' ? 'inbox.sources.import.atLine' : 'inbox.sources.import.atItem', { position: p.position })}: ${t(`inbox.sources.import.problem.${p.problem}` as MessageKey)}</li>`)}</ul>
${problems.length > LISTED_PROBLEMS ? html`<p class="muted">${t('inbox.sources.import.moreProblems', { count: problems.length - LISTED_PROBLEMS })}</p>` : ''}`;
}

function previewPage(
  request: FastifyRequest,
  reply: FastifyReply,
  parsed: ParsedImport,
  file: { text: string; fileName: string },
  channels: Array<{ id: number; name: string }>,
): FastifyReply {
  const { t } = request;
  const mapped = parsed.columns.filter((column) => column.field);
  return page(
    request,
    reply,
    html`<p>${t('inbox.sources.import.summary', { total: parsed.total, good: parsed.rows.length, refused: parsed.problems.length })}</p>
<h2>${t('inbox.sources.import.columns')}</h2>
<ul>${mapped.map((column) => html`<li>${column.header} → ${t(`inbox.sources.import.field.${column.field ?? 'text'}` as MessageKey)}</li>`)}</ul>
<h2>${t('inbox.sources.import.firstRows', { count: Math.min(PREVIEW_ROWS, parsed.rows.length) })}</h2>
<div class="table-wrap"><table class="data-table">
<thead><tr><th scope="col">${t('inbox.sources.import.field.date')}</th><th scope="col">${t('inbox.sources.import.field.author')}</th><th scope="col">${t('inbox.sources.import.field.text')}</th></tr></thead>
<tbody>${parsed.rows.slice(0, PREVIEW_ROWS).map(({ message }) => html`<tr><td>${formatDate(request, message.sentAt, true)}</td><td>${message.author.name ?? message.author.externalId}</td><td>${message.text.length > 200 ? `${message.text.slice(0, 199)}…` : message.text}</td></tr>`)}</tbody>
</table></div>
${problemList(request, parsed.format, parsed.problems)}
${
  parsed.rows.length > 0
    ? html`<h2>${t('inbox.sources.import.confirm')}</h2>
<form method="post" action="${PATH}" enctype="multipart/form-data" class="stack">
  ${csrfField(request)}
  <input type="hidden" name="content" value="${file.text}">
  <input type="hidden" name="fileName" value="${file.fileName}">
  <div class="field"><label for="channelId">${t('inbox.sources.import.channel')}</label>
  <select id="channelId" name="channelId">${channels.map((channel) => html`<option value="${channel.id}">${channel.name}</option>`)}<option value="new">${t('inbox.sources.import.newChannel')}</option></select></div>
  <div class="field"><label for="newChannelName">${t('inbox.sources.import.newChannelName')}</label>
  <input id="newChannelName" name="newChannelName" type="text" maxlength="120" value="${file.fileName}"></div>
  <button type="submit" class="button">${t('inbox.sources.import.submit', { count: parsed.rows.length })}</button>
</form>`
    : ''
}
<p><a href="${PATH}">${t('inbox.sources.import.again')}</a></p>`,
  );
}

function resultPage(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: ImportOutcome,
  format: ParsedImport['format'],
): FastifyReply {
  const { t } = request;
  return page(
    request,
    reply,
    html`<div class="notice" role="status"><p>${t('inbox.sources.import.done', { stored: outcome.stored, duplicates: outcome.duplicates, refused: outcome.problems.length })}</p></div>
${problemList(request, format, outcome.problems)}
<p><a href="/staff/inbox">${t('inbox.nav')}</a> · <a href="${PATH}">${t('inbox.sources.import.again')}</a></p>`,
  );
}

/**
 * The import page for administrators: upload (or paste) a CSV or JSON export, see how its columns are
 * read, the first rows and the refused ones, then import it into an import channel. Files arrive as
 * multipart; the preview carries the text on to the confirmation, so nothing is kept on the server
 * between the two steps.
 */
export function registerImportPages(app: App, ctx: AppContext): void {
  app.get(PATH, async (request, reply) => {
    authorizeInbox(request.viewer, 'configure');
    return page(request, reply, uploadForm(request));
  });

  void app.register(async (scope) => {
    const limit = MAX_IMPORT_BYTES + 1;
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: limit, files: 1, fields: 8, fieldSize: limit, parts: 10 },
      async onFile(part: MultipartFile) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const value: UploadedFile = { kind: 'import-file', data: Buffer.concat(chunks), name: part.filename };
        (part as unknown as { value: UploadedFile }).value = value;
      },
    });

    scope.post(`${PATH}/preview`, { bodyLimit: MAX_IMPORT_BYTES * 2 + 65_536 }, async (request, reply) => {
      authorizeInbox(request.viewer, 'configure');
      const form = readForm(ImportForm, request.body);
      if (!form.ok) throw invalidForm(form.errors);
      const read = refusedFile(request, () => {
        const file = uploaded(form.value);
        return { file, parsed: previewImport(request.viewer, file.text, file.fileName) };
      });
      if ('refused' in read) return page(request, reply, uploadForm(request, read.refused), 422);
      return previewPage(
        request,
        reply,
        read.parsed,
        read.file,
        await importChannels(ctx, request.viewer, request.organisation.id),
      );
    });

    scope.post(PATH, { bodyLimit: MAX_IMPORT_BYTES * 2 + 65_536 }, async (request, reply) => {
      authorizeInbox(request.viewer, 'configure');
      const form = readForm(ImportForm, request.body);
      if (!form.ok) throw invalidForm(form.errors);
      const body = form.value;
      const read = refusedFile(request, () => {
        const file = uploaded(body);
        return { file, parsed: previewImport(request.viewer, file.text, file.fileName) };
      });
      if ('refused' in read) return page(request, reply, uploadForm(request, read.refused), 422);
      const outcome = await importFile(ctx, request.viewer, request.organisation.id, {
        text: read.file.text,
        fileName: read.file.fileName,
        channelId: parseId(body.channelId) ?? null,
        newChannelName: body.newChannelName,
      });
      return resultPage(request, reply, outcome, read.parsed.format);
    });
  });
}
