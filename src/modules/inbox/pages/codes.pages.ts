import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { mayDoInInbox, authorizeInbox } from '../inbox.policy.ts';
import {
  analyseCoding,
  findCodes,
  saveCode,
  setCodeArchived,
  setMessageCodes,
  type Code,
  type CodeInput,
} from '../listening/coding.ts';
import { valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger, renderInboxPage } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { CodeForm, MessageCodesForm } from '../inbox.forms.ts';

const PERIODS = [30, 90, 365] as const;

/** Codes in reading order: each top-level code followed by the codes grouped under it. */
function inTreeOrder(codes: Code[]): Array<Code & { depth: number }> {
  const top = codes.filter((code) => code.parentId === null || !codes.some((parent) => parent.id === code.parentId));
  return top.flatMap((code) => [
    { ...code, depth: 0 },
    ...codes.filter((child) => child.parentId === code.id).map((child) => ({ ...child, depth: 1 })),
  ]);
}

/**
 * The checkboxes that apply the code book to one message, for the conversation view: posting the form
 * sets the message's codes to the ticked ones and returns to `back`.
 */
export function messageCodesForm(
  request: FastifyRequest,
  messageId: number,
  codes: Code[],
  applied: readonly number[],
  back: string,
): Html {
  const { t } = request;
  const usable = inTreeOrder(codes).filter((code) => !code.archived || applied.includes(code.id));
  if (usable.length === 0 || !mayDoInInbox(request.viewer, 'answer')) return html``;
  return html`<form method="post" action="/staff/inbox/messages/${messageId}/codes" class="message-codes">${csrfField(request)}
<input type="hidden" name="back" value="${back}">
<fieldset><legend>${t('inbox.codes.apply')}</legend>
${usable.map((code) => html`<div class="checkbox"><input type="checkbox" id="code-${messageId}-${code.id}" name="code" value="${code.id}"${applied.includes(code.id) ? raw(' checked') : ''}><label for="code-${messageId}-${code.id}">${code.depth > 0 ? '— ' : ''}${code.name}</label></div>`)}
</fieldset>
<button class="button button--small button--secondary" type="submit">${t('inbox.codes.save')}</button>
</form>`;
}

function codeForm(
  request: FastifyRequest,
  codes: Code[],
  action: string,
  values: CodeInput,
  errors: Record<string, string>,
  submit: string,
  codeId?: number,
): Html {
  const { t } = request;
  const parents = codes.filter((code) => code.parentId === null && code.id !== codeId && !code.archived);
  return html`<form method="post" action="${action}">${csrfField(request)}
${errorSummary(request, errors)}
${field({ name: 'name', label: t('inbox.codes.name'), value: values.name, error: errors.name, required: true, maxlength: 80 })}
${field({ name: 'description', label: t('inbox.codes.description'), value: values.description, error: errors.description, hint: t('inbox.codes.descriptionHint'), maxlength: 500 })}
<div class="field${errors.parentId ? ' field--error' : ''}"><label for="parentId">${t('inbox.codes.parent')}</label>
${errors.parentId ? html`<p class="field__error" id="parentId-error">${errors.parentId}</p>` : ''}
<select id="parentId" name="parentId"><option value="">${t('inbox.codes.noParent')}</option>${parents.map((code) => html`<option value="${code.id}"${code.id === values.parentId ? raw(' selected') : ''}>${code.name}</option>`)}</select></div>
<button class="button" type="submit">${submit}</button>
</form>`;
}

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

async function renderCodeBook(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: { values: CodeInput; errors: Record<string, string> } = {
    values: { name: '', description: '', parentId: null },
    errors: {},
  },
): Promise<FastifyReply> {
  const { t, lang, organisation } = request;
  const daysText = Number(valueOf(request.query, 'days'));
  const days = (PERIODS as readonly number[]).includes(daysText) ? daysText : 90;
  const now = new Date();
  const [codes, analysis] = await Promise.all([
    findCodes(ctx.db, organisation.id),
    analyseCoding(ctx.db, organisation.id, { from: new Date(now.getTime() - days * 86_400_000), to: now }),
  ]);
  const count = numberFormat(lang);
  const name = (id: number) => codes.find((code) => code.id === id)?.name ?? String(id);
  const used = analysis.counts.map((row) => row.codeId);
  const pairCount = (a: number, b: number) =>
    analysis.pairs.find((pair) => pair.a === Math.min(a, b) && pair.b === Math.max(a, b))?.count ?? 0;
  const mayEdit = mayDoInInbox(request.viewer, 'answer');
  const maxPair = Math.max(1, ...analysis.pairs.map((pair) => pair.count));
  const main = html`<h1>${t('inbox.codes.title')}</h1>
<p>${t('inbox.codes.lead')}</p>
<section aria-labelledby="book-title"><h2 id="book-title">${t('inbox.codes.book')}</h2>
${
  codes.length === 0
    ? html`<p>${t('inbox.codes.empty')}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t('inbox.codes.book')}"><table class="data-table"><caption class="visually-hidden">${t('inbox.codes.book')}</caption>
<thead><tr><th scope="col">${t('inbox.codes.name')}</th><th scope="col">${t('inbox.codes.description')}</th><th scope="col" class="numeric">${t('inbox.codes.uses')}</th>${mayEdit ? html`<th scope="col">${t('inbox.codes.actions')}</th>` : ''}</tr></thead>
<tbody>${inTreeOrder(codes).map(
        (code) =>
          html`<tr${code.archived ? raw(' class="muted"') : ''}><th scope="row">${code.depth > 0 ? '— ' : ''}${code.name}${code.archived ? html` <span class="tag">${t('inbox.codes.archived')}</span>` : ''}</th><td>${code.description ?? ''}</td><td class="numeric">${count.format(code.uses)}</td>${
            mayEdit
              ? html`<td><a href="/staff/inbox/codes/${code.id}">${t('inbox.codes.edit')}<span class="visually-hidden"> ${code.name}</span></a>
<form class="inline-form" method="post" action="/staff/inbox/codes/${code.id}/${code.archived ? 'restore' : 'archive'}">${csrfField(request)}<button class="link-button" type="submit">${t(code.archived ? 'inbox.codes.restore' : 'inbox.codes.archive')}<span class="visually-hidden"> ${code.name}</span></button></form></td>`
              : ''
          }</tr>`,
      )}</tbody></table></div>`
}
</section>
${mayEdit ? html`<section aria-labelledby="new-title"><h2 id="new-title">${t('inbox.codes.new')}</h2>${codeForm(request, codes, '/staff/inbox/codes', form.values, form.errors, t('inbox.codes.create'))}</section>` : ''}
<section aria-labelledby="analysis-title"><h2 id="analysis-title">${t('inbox.codes.analysis')}</h2>
<form class="filters" method="get" action="/staff/inbox/codes"><div class="field"><label for="days">${t('inbox.listening.period')}</label><select id="days" name="days">${PERIODS.map((period) => html`<option value="${period}"${period === days ? raw(' selected') : ''}>${t('inbox.listening.lastDays', { count: period })}</option>`)}</select></div><button class="button" type="submit">${t('inbox.listening.show')}</button></form>
<p>${t('inbox.codes.codedMessages', { count: analysis.codedMessages })} <a href="/staff/inbox/codes.csv?days=${days}">${t('inbox.codes.csv')}</a></p>
${
  used.length === 0
    ? ''
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t('inbox.codes.matrix')}"><table class="data-table coding-matrix"><caption>${t('inbox.codes.matrix')}</caption>
<thead><tr><th scope="col">${t('inbox.codes.name')}</th><th scope="col">${t('inbox.codes.uses')}</th>${used.map((id) => html`<th scope="col">${name(id)}</th>`)}</tr></thead>
<tbody>${used.map(
        (row) =>
          html`<tr><th scope="row">${name(row)}</th><td>${count.format(analysis.counts.find((c) => c.codeId === row)?.count ?? 0)}</td>${used.map(
            (column) => {
              if (column === row) return html`<td>—</td>`;
              const value = pairCount(row, column);
              return html`<td${value / maxPair >= 0.5 ? raw(' data-strength="high"') : ''}>${value === 0 ? '' : count.format(value)}</td>`;
            },
          )}</tr>`,
      )}</tbody></table></div>`
}
</section>`;
  return renderInboxPage(request, reply, {
    title: t('inbox.codes.title'),
    main,
    status: Object.keys(form.errors).length > 0 ? 400 : 200,
  });
}

/** The code book, coding of messages, and the counts and co-occurrences of codes. */
export function registerCodePages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/codes', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return renderCodeBook(ctx, request, reply);
  });
  app.post('/staff/inbox/codes', { schema: { hide: true } }, async (request, reply) => {
    const values = inputFrom(request.body);
    const outcome = await saveCode(ctx.db, request.viewer, request.organisation.id, undefined, values);
    if (!outcome.ok)
      return renderCodeBook(ctx, request, reply, { values, errors: translated(request, outcome.errors) });
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
    const name = (id: number) => csvCell(codes.find((code) => code.id === id)?.name ?? String(id));
    const lines = [
      'code_a,code_b,messages',
      ...analysis.counts.map((row) => `${name(row.codeId)},,${row.count}`),
      ...analysis.pairs.map((pair) => `${name(pair.a)},${name(pair.b)},${pair.count}`),
    ];
    reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="codes.csv"');
    return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
  });
  app.get('/staff/inbox/codes/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'answer');
    return renderEdit(ctx, request, reply);
  });
  app.post('/staff/inbox/codes/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined) throw new AppError('INBOX_CODE_NOT_FOUND');
    const values = inputFrom(request.body);
    const outcome = await saveCode(ctx.db, request.viewer, request.organisation.id, id, values);
    if (!outcome.ok) return renderEdit(ctx, request, reply, { values, errors: translated(request, outcome.errors) });
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

async function renderEdit(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form?: { values: CodeInput; errors: Record<string, string> },
): Promise<FastifyReply> {
  const { t } = request;
  const id = positiveInteger((request.params as { id: string }).id);
  const codes = await findCodes(ctx.db, request.organisation.id);
  const code = codes.find((entry) => entry.id === id);
  if (!code) throw new AppError('INBOX_CODE_NOT_FOUND');
  const values = form?.values ?? { name: code.name, description: code.description ?? '', parentId: code.parentId };
  const main = html`<h1>${t('inbox.codes.editTitle', { name: code.name })}</h1>
${codeForm(request, codes, `/staff/inbox/codes/${code.id}`, values, form?.errors ?? {}, t('inbox.codes.save'), code.id)}
<p><a href="/staff/inbox/codes">${t('inbox.codes.back')}</a></p>`;
  return renderInboxPage(request, reply, {
    title: t('inbox.codes.editTitle', { name: code.name }),
    main,
    status: form ? 400 : 200,
  });
}

/** A CSV cell that no spreadsheet runs as a formula, quoted when needed. */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
