import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../../platform/auth/api-keys.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, formatDate, setNotice } from '../../../platform/web/layout.ts';
import { findApiKeys } from '../administration.repository.ts';
import { authorizeAdministration } from '../administration.policy.ts';
import { apiKeyUsage, issueApiKey, revokeApiKey, type FieldErrors } from '../administration.use-cases.ts';
import { invalidForm, parseId, readForm } from '../../../platform/web/forms.ts';
import { ApiKeyForm } from '../administration.schema.ts';
import { renderAdminPage, translateErrors } from './admin-page.ts';

const SCOPE_LABELS: Record<ApiKeyScope, MessageKey> = {
  open311: 'admin.apiKeys.scope.open311',
  'reports.read': 'admin.apiKeys.scope.reports.read',
  'reports.write': 'admin.apiKeys.scope.reports.write',
  'publishing.write': 'admin.apiKeys.scope.publishing.write',
};

/** API keys: list, create (the key shown once, on the answer to the form) and revoke. */
export function registerApiKeyPages(app: App, ctx: AppContext): void {
  app.get('/admin/api-keys', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-api-keys');
    return keysPage(request, reply);
  });

  app.post('/admin/api-keys', async (request, reply) => {
    const form = readForm(ApiKeyForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { name, scopes } = form.value;
    const outcome = await issueApiKey(ctx, request.viewer, request.organisation, name, scopes);
    if (!outcome.ok) return keysPage(request, reply, { name, scopes, errors: outcome.fields });
    // Shown in this answer only (never stored in plain, never redirected through a URL or cookie).
    return keysPage(request, reply, {
      created: html`<div class="notice" role="status"><p>${request.t('admin.apiKeys.created', { name: outcome.name })}</p><p class="secret" id="new-key">${outcome.key}</p></div>`,
      status: 201,
    });
  });

  app.get<{ Params: { id: string } }>('/admin/api-keys/:id', async (request, reply) => {
    const id = parseId(request.params.id);
    if (!id) throw new AppError('API_KEY_NOT_FOUND');
    const { t } = request;
    const key = await apiKeyUsage(ctx, request.viewer, request.organisation, id);
    reply.header('cache-control', 'no-store');
    return renderAdminPage(request, reply, {
      title: t('admin.apiKeys.usage', { name: key.name }),
      main: html`<p><a href="/admin/api-keys">${t('admin.apiKeys.back')}</a></p>
<h1>${t('admin.apiKeys.usage', { name: key.name })}</h1>
<p>${t('admin.apiKeys.usageIntro')}</p>
${key.revoked ? html`<p>${t('admin.apiKeys.usageRevoked')}</p>` : ''}
<div class="table-wrap"><table class="data-table">
  <caption>${t('admin.apiKeys.usage', { name: key.name })}</caption>
  <thead><tr><th scope="col">${t('admin.apiKeys.window')}</th><th scope="col">${t('admin.apiKeys.quota')}</th><th scope="col">${t('admin.apiKeys.used')}</th><th scope="col">${t('admin.apiKeys.left')}</th><th scope="col">${t('admin.apiKeys.resets')}</th></tr></thead>
  <tbody>${key.usage.map(
    (row) => html`<tr>
    <th scope="row">${t(row.window === 'hour' ? 'admin.apiKeys.window.hour' : 'admin.apiKeys.window.day')}</th>
    <td>${row.limit === null ? t('admin.apiKeys.noLimit') : row.limit.toLocaleString(request.lang)}</td>
    <td>${row.used === null ? '—' : row.used.toLocaleString(request.lang)}</td>
    <td>${row.left === null ? '—' : row.left.toLocaleString(request.lang)}</td>
    <td>${formatDate(request, row.resetsAt, true)}</td>
  </tr>`,
  )}</tbody>
</table></div>`,
    });
  });

  app.post<{ Params: { id: string } }>('/admin/api-keys/:id/revoke', async (request, reply) => {
    const id = parseId(request.params.id);
    if (!id) throw new AppError('API_KEY_NOT_FOUND');
    await revokeApiKey(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'admin.apiKeys.revoked');
    return reply.redirect('/admin/api-keys', 303);
  });

  async function keysPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { name?: string; scopes?: string[]; errors?: FieldErrors; created?: Html; status?: number } = {},
  ) {
    const { t, organisation } = request;
    const errors = translateErrors(request, options.errors ?? {});
    const keys = await findApiKeys(ctx.db, organisation.id);
    return renderAdminPage(request, reply, {
      title: t('admin.apiKeys'),
      status: Object.keys(errors).length ? 400 : (options.status ?? 200),
      main: html`<h1>${t('admin.apiKeys')}</h1>
${options.created ?? ''}
<p>${t('admin.apiKeys.intro')}</p>
${
  keys.length === 0
    ? html`<p>${t('admin.apiKeys.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.apiKeys')}</caption>
  <thead><tr><th scope="col">${t('admin.apiKeys.name')}</th><th scope="col">${t('admin.apiKeys.prefix')}</th><th scope="col">${t('admin.apiKeys.scopes')}</th><th scope="col">${t('admin.createdAt')}</th><th scope="col">${t('admin.apiKeys.lastUsed')}</th><th scope="col">${t('admin.actions')}</th></tr></thead>
  <tbody>${keys.map(
    (key) => html`<tr>
    <td><a href="/admin/api-keys/${key.id}">${key.name}</a>${key.created_by_name ? html` <span class="muted">(${key.created_by_name})</span>` : ''}</td>
    <td><code>ic_${key.prefix}_…</code></td>
    <td><ul class="plain-list">${key.scopes.map((scope) => html`<li>${t(SCOPE_LABELS[scope])}</li>`)}</ul></td>
    <td>${formatDate(request, key.created_at)}</td>
    <td>${key.last_used_at ? formatDate(request, key.last_used_at, true) : t('admin.apiKeys.never')}</td>
    <td>${
      key.revoked_at
        ? t('admin.apiKeys.isRevoked', { date: formatDate(request, key.revoked_at) })
        : html`<form method="post" action="/admin/api-keys/${key.id}/revoke" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('admin.apiKeys.revoke', { name: key.name })}</button></form>`
    }</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
<h2 id="new-key-title">${t('admin.apiKeys.create')}</h2>
${errorSummary(request, errors)}
<form method="post" action="/admin/api-keys" class="stack" novalidate aria-labelledby="new-key-title">
  ${csrfField(request)}
  ${field({ name: 'name', label: t('admin.apiKeys.name'), value: options.name, error: errors.name, required: true, maxlength: 100, autocomplete: 'off' })}
  <fieldset class="field${errors.scopes ? ' field--error' : ''}" id="scopes" aria-describedby="scopes-hint${errors.scopes ? ' scopes-error' : ''}">
    <legend>${t('admin.apiKeys.scopes')}</legend>
    <p class="field__hint" id="scopes-hint">${t('admin.apiKeys.scopesHint')}</p>
    ${errors.scopes ? html`<p class="field__error" id="scopes-error">${errors.scopes}</p>` : ''}
    ${API_KEY_SCOPES.map((scope) => html`<div class="checkbox"><input type="checkbox" id="scope-${scope}" name="scopes" value="${scope}"${options.scopes?.includes(scope) ? raw(' checked') : ''}><label for="scope-${scope}">${t(SCOPE_LABELS[scope])}</label></div>`)}
  </fieldset>
  <button type="submit" class="button">${t('admin.apiKeys.create')}</button>
</form>`,
    });
  }
}
