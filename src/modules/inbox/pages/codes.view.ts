import type { FastifyReply, FastifyRequest } from 'fastify';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field } from '../../../platform/web/layout.ts';
import { mayDoInInbox } from '../inbox.policy.ts';
import type { Code, CodeInput, CodingAnalysis } from '../listening/coding.ts';
import { renderInboxPage } from './shared.ts';

export const PERIODS = [30, 90, 365] as const;

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

/** A code form as typed, with its problems (texts by field). */
export interface CodeFormState {
  values: CodeInput;
  errors: Record<string, string>;
}

/** The code book with its counts, the form for a new code, and the codes' use and co-occurrence over `days`. */
export function codeBookView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { codes: Code[]; analysis: CodingAnalysis; days: number },
  form: CodeFormState = { values: { name: '', description: '', parentId: null }, errors: {} },
): FastifyReply {
  const { t, lang } = request;
  const { codes, analysis, days } = data;
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

/** The form that edits one code. */
export function codeEditView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { codes: Code[]; code: Code },
  form?: CodeFormState,
): FastifyReply {
  const { t } = request;
  const { codes, code } = data;
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
