import { sendCsv } from '../../../platform/web/csv.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import {
  analyseCoding,
  findCodes,
  saveCode,
  setCodeArchived,
  setMessageCodes,
  type CodeInput,
} from '../listening/coding.ts';
import { valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { CodeForm, MessageCodesForm } from '../inbox.forms.ts';
import { codeBookView, codeEditView, PERIODS, type CodeFormState } from './codes.view.ts';

function inputFrom(body: unknown): CodeInput {
  const form = readForm(CodeForm, body);
  if (!form.ok) throw invalidForm(form.errors);
  return { name: form.value.name, description: form.value.description, parentId: form.value.parentId ?? null };
}

function translated(request: FastifyRequest, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([name, key]) => [name, request.t(key as 'inbox.codes.error.name')]),
  );
}

/** Loads the code book and its analysis over the period asked for, and shows it (again with a form's problems). */
async function codeBookPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form?: CodeFormState,
): Promise<FastifyReply> {
  const { organisation } = request;
  const daysText = Number(valueOf(request.query, 'days'));
  const days = (PERIODS as readonly number[]).includes(daysText) ? daysText : 90;
  const now = new Date();
  const [codes, analysis] = await Promise.all([
    findCodes(ctx.db, organisation.id),
    analyseCoding(ctx.db, organisation.id, { from: new Date(now.getTime() - days * 86_400_000), to: now }),
  ]);
  return codeBookView(request, reply, { codes, analysis, days }, form);
}

/** The code book, coding of messages, and the counts and co-occurrences of codes. */
export function registerCodePages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/codes', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return codeBookPage(ctx, request, reply);
  });
  app.post('/staff/inbox/codes', { schema: { hide: true } }, async (request, reply) => {
    const values = inputFrom(request.body);
    const outcome = await saveCode(ctx.db, request.viewer, request.organisation.id, undefined, values);
    if (!outcome.ok) return codeBookPage(ctx, request, reply, { values, errors: translated(request, outcome.errors) });
    setNotice(reply, 'inbox.codes.saved');
    return reply.redirect('/staff/inbox/codes', 303);
  });
  app.get('/staff/inbox/codes.csv', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    const days = Number(valueOf(request.query, 'days')) || 90;
    const now = new Date();
    const [codes, analysis] = await Promise.all([
      findCodes(ctx.db, request.organisation.id),
      analyseCoding(ctx.db, request.organisation.id, {
        from: new Date(now.getTime() - Math.min(days, 3650) * 86_400_000),
        to: now,
      }),
    ]);
    const name = (id: number) => codes.find((code) => code.id === id)?.name ?? String(id);
    return sendCsv(reply, 'codes.csv', [
      ['code_a', 'code_b', 'messages'],
      ...analysis.counts.map((row) => [name(row.codeId), '', row.count]),
      ...analysis.pairs.map((pair) => [name(pair.a), name(pair.b), pair.count]),
    ]);
  });
  app.get('/staff/inbox/codes/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'answer');
    return codeEditPage(ctx, request, reply);
  });
  app.post('/staff/inbox/codes/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined) throw new AppError('INBOX_CODE_NOT_FOUND');
    const values = inputFrom(request.body);
    const outcome = await saveCode(ctx.db, request.viewer, request.organisation.id, id, values);
    if (!outcome.ok) return codeEditPage(ctx, request, reply, { values, errors: translated(request, outcome.errors) });
    setNotice(reply, 'inbox.codes.saved');
    return reply.redirect('/staff/inbox/codes', 303);
  });
  for (const action of ['archive', 'restore'] as const) {
    app.post(`/staff/inbox/codes/:id/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const id = positiveInteger((request.params as { id: string }).id);
      if (id === undefined) throw new AppError('INBOX_CODE_NOT_FOUND');
      await setCodeArchived(ctx.db, request.viewer, request.organisation.id, id, action === 'archive');
      setNotice(reply, 'inbox.codes.saved');
      return reply.redirect('/staff/inbox/codes', 303);
    });
  }
  app.post('/staff/inbox/messages/:id/codes', { schema: { hide: true } }, async (request, reply) => {
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
    const form = readForm(MessageCodesForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const codeIds = form.value.code.map((value) => positiveInteger(value));
    if (codeIds.some((value) => value === undefined)) throw new AppError('INBOX_CODE_NOT_FOUND');
    await setMessageCodes(ctx.db, request.viewer, request.organisation.id, id, codeIds as number[]);
    const { back } = form.value;
    setNotice(reply, 'inbox.codes.applied');
    // Only a path of this site: an absolute or protocol-relative URL would make this an open redirect.
    return reply.redirect(/^\/(?![/\\])/.test(back) ? back : '/staff/inbox/codes', 303);
  });
}

/** Loads the code in the address and shows its form (again with a form's problems). */
async function codeEditPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form?: CodeFormState,
): Promise<FastifyReply> {
  const id = positiveInteger((request.params as { id: string }).id);
  const codes = await findCodes(ctx.db, request.organisation.id);
  const code = codes.find((entry) => entry.id === id);
  if (!code) throw new AppError('INBOX_CODE_NOT_FOUND');
  return codeEditView(request, reply, { codes, code }, form);
}
