import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import { findAuditActions, findAuditEntries, findMailById, findMails } from '../administration.repository.ts';
import { authorizeAdministration } from '../administration.policy.ts';
import { parseId } from '../../../platform/web/forms.ts';
import { olderLink, renderAdminPage } from './admin-page.ts';

const PAGE_SIZE = 50;

function pretty(value: unknown): string {
  if (value === null || value === undefined) return '';
  return JSON.stringify(typeof value === 'string' ? (JSON.parse(value) as unknown) : value, null, 2);
}

/** What happened (the audit log) and what was sent (the outbox): read-only records for administrators. */
export function registerRecordPages(app: App, ctx: AppContext): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/audit', async (request, reply) => {
    authorizeAdministration(request.viewer, 'read-audit-log');
    const { t, organisation } = request;
    const actions = await findAuditActions(ctx.db, organisation.id);
    const action = actions.includes(request.query.action ?? '') ? request.query.action : undefined;
    const { entries, hasMore } = await findAuditEntries(ctx.db, organisation.id, {
      action,
      before: parseId(request.query.before),
      limit: PAGE_SIZE,
    });
    return renderAdminPage(request, reply, {
      title: t('admin.audit'),
      main: html`<h1>${t('admin.audit')}</h1>
<p>${t('admin.audit.intro')}</p>
<form method="get" action="/admin/audit" class="filters">
  <div class="field"><label for="action">${t('admin.audit.action')}</label>
    <select id="action" name="action"><option value="">—</option>${actions.map((a) => html`<option value="${a}"${a === action ? raw(' selected') : ''}>${a}</option>`)}</select></div>
  <button type="submit" class="button button--secondary">${t('admin.users.filter')}</button>
</form>
${
  entries.length === 0
    ? html`<p>${t('admin.audit.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.audit')}</caption>
  <thead><tr><th scope="col">${t('admin.audit.when')}</th><th scope="col">${t('admin.audit.who')}</th><th scope="col">${t('admin.audit.what')}</th><th scope="col">${t('admin.audit.subject')}</th><th scope="col">${t('admin.audit.changes')}</th></tr></thead>
  <tbody>${entries.map(
    (entry) => html`<tr>
    <td><time datetime="${entry.created_at.toISOString()}">${formatDate(request, entry.created_at, true)}</time></td>
    <td>${entry.actor_label}</td>
    <td><code>${entry.action}</code></td>
    <td>${entry.subject_type} ${entry.subject_id ?? ''}</td>
    <td>${
      entry.before === null && entry.after === null
        ? ''
        : html`<details><summary>${t('admin.audit.changes')}<span class="visually-hidden"> (${entry.action} ${entry.subject_id ?? ''})</span></summary>
      ${entry.before !== null ? html`<p>${t('admin.audit.before')}</p><pre class="json">${pretty(entry.before)}</pre>` : ''}
      ${entry.after !== null ? html`<p>${t('admin.audit.after')}</p><pre class="json">${pretty(entry.after)}</pre>` : ''}
      </details>`
    }</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
${olderLink(request, hasMore, entries.at(-1)?.id)}`,
    });
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/outbox', async (request, reply) => {
    authorizeAdministration(request.viewer, 'read-outbox');
    const { t, organisation } = request;
    const { mails, hasMore } = await findMails(ctx.db, organisation.id, {
      before: parseId(request.query.before),
      limit: PAGE_SIZE,
    });
    return renderAdminPage(request, reply, {
      title: t('admin.outbox'),
      main: html`<h1>${t('admin.outbox')}</h1>
<p>${t('admin.outbox.intro')}</p>
${
  mails.length === 0
    ? html`<p>${t('admin.outbox.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.outbox')}</caption>
  <thead><tr><th scope="col">${t('admin.audit.when')}</th><th scope="col">${t('admin.outbox.to')}</th><th scope="col">${t('admin.outbox.subject')}</th><th scope="col">${t('admin.outbox.status')}</th></tr></thead>
  <tbody>${mails.map(
    (mail) => html`<tr>
    <td><time datetime="${mail.created_at.toISOString()}">${formatDate(request, mail.created_at, true)}</time></td>
    <td>${mail.to_address}</td>
    <td><a href="/admin/outbox/${mail.id}">${mail.subject}</a></td>
    <td>${t(`admin.outbox.status.${mail.status}`)}${mail.error ? html` <span class="muted">${mail.error}</span>` : ''}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
${olderLink(request, hasMore, mails.at(-1)?.id)}`,
    });
  });

  app.get<{ Params: { id: string } }>('/admin/outbox/:id', async (request, reply) => {
    authorizeAdministration(request.viewer, 'read-outbox');
    const { t, organisation } = request;
    const id = parseId(request.params.id);
    const mail = id ? await findMailById(ctx.db, organisation.id, id) : undefined;
    if (!mail) throw new AppError('NOT_FOUND');
    return renderAdminPage(request, reply, {
      title: mail.subject,
      main: html`<h1>${mail.subject}</h1>
<dl>
  <dt>${t('admin.outbox.to')}</dt><dd>${mail.to_address}</dd>
  <dt>${t('admin.audit.when')}</dt><dd>${formatDate(request, mail.created_at, true)}</dd>
  <dt>${t('admin.outbox.status')}</dt><dd>${t(`admin.outbox.status.${mail.status}`)}</dd>
</dl>
<pre class="mail-body">${mail.text_body}</pre>
<p><a href="/admin/outbox">${t('admin.outbox')}</a></p>`,
    });
  });
}
