import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, setNotice } from '../../../platform/web/layout.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { findChannels } from '../../inbox/index.ts';
import { findDestination } from '../destinations.repository.ts';
import { adapterFor, listDestinations, removeDestination, saveDestination } from '../destinations.use-cases.ts';
import { findDepartmentChoices } from '../posts.repository.ts';
import { DestinationForm } from '../publishing.forms.ts';
import { authorizePublishing } from '../publishing.policy.ts';
import { bodyText, fieldTexts, paramOf, publishingPage, selectField } from './shared.ts';

function kindParam(request: FastifyRequest): string {
  const kind = (request.params as Record<string, unknown>).kind;
  return typeof kind === 'string' ? kind : '';
}

interface FormState {
  id: number | undefined;
  kind: string;
  name: string;
  departmentId: string;
  inboxChannelId: string;
  enabled: boolean;
  fields: Record<string, string>;
  secretNames: string[];
}

async function destinationForm(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t, organisation } = request;
  const adapter = adapterFor(ctx, state.kind);
  if (!adapter?.fields) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
  const [departments, channels] = await Promise.all([
    findDepartmentChoices(ctx.db, organisation.id),
    adapter.sharesInboxAccount ? findChannels(ctx.db, organisation.id, ctx.config.secretKey) : Promise.resolve([]),
  ]);
  const shareable = channels.filter((channel) => channel.kind === adapter.sharesInboxAccount);
  const title = t(state.id === undefined ? 'publishing.destinations.add' : 'publishing.destinations.edit', {
    kind: t(adapter.label),
  });
  const action =
    state.id === undefined
      ? `/admin/publishing/destinations/new/${encodeURIComponent(state.kind)}`
      : `/admin/publishing/destinations/${state.id}`;
  return publishingPage(request, reply, {
    title,
    status,
    main: html`<h1>${title}</h1>${errorSummary(request, errors)}
<form method="post" action="${action}" novalidate>${csrfField(request)}
<input type="hidden" name="kind" value="${state.kind}">
<div class="field${errors.name ? ' field--error' : ''}"><label for="name">${t('publishing.destinations.name')}</label>${errors.name ? html`<p class="field__error" id="name-error">${errors.name}</p>` : ''}<input type="text" id="name" name="name" maxlength="200" value="${state.name}"></div>
${selectField({ name: 'departmentId', label: t('publishing.field.department'), value: state.departmentId, choices: [{ value: '', label: t('publishing.field.noDepartment') }, ...departments.map((d) => ({ value: String(d.id), label: localized(d.name, request.lang, organisation.defaultLanguage) }))] })}
${adapter.sharesInboxAccount ? selectField({ name: 'inboxChannelId', label: t('publishing.destinations.shareInbox'), value: state.inboxChannelId, error: errors.inboxChannelId, choices: [{ value: '', label: t('publishing.destinations.ownCredentials') }, ...shareable.map((c) => ({ value: String(c.id), label: c.name }))] }) : ''}
${adapter.fields.map((field) => {
  const name = `field_${field.name}`;
  const error = errors[name];
  const kept = field.secret && state.secretNames.includes(field.name);
  const hint = kept ? t('publishing.destinations.secretKept') : field.hint ? t(field.hint) : '';
  if (field.type === 'checkbox')
    return html`<div class="checkbox"><input type="checkbox" id="${name}" name="${name}" value="yes"${state.fields[field.name] === 'yes' ? raw(' checked') : ''}><label for="${name}">${t(field.label)}</label></div>`;
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${t(field.label)}</label>
${hint ? html`<p class="field__hint" id="${name}-hint">${hint}</p>` : ''}${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<input id="${name}" name="${name}" type="${field.secret ? 'password' : field.type === 'url' ? 'url' : field.type === 'number' ? 'number' : field.type === 'email' ? 'email' : 'text'}" value="${field.secret ? '' : (state.fields[field.name] ?? '')}" autocomplete="off"${hint ? html` aria-describedby="${name}-hint"` : ''}${error ? raw(' aria-invalid="true"') : ''}></div>`;
})}
<div class="checkbox"><input type="checkbox" id="enabled" name="enabled" value="yes"${state.enabled ? raw(' checked') : ''}><label for="enabled">${t('publishing.destinations.enabled')}</label></div>
<button type="submit" class="button">${t('publishing.action.save')}</button></form>`,
  });
}

async function handleSave(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  kind: string,
) {
  authorizePublishing(request.viewer, 'configure');
  const form = readForm(DestinationForm, request.body);
  if (!form.ok) throw invalidForm(form.errors);
  const adapter = adapterFor(ctx, kind);
  if (!adapter?.fields) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
  const fields = Object.fromEntries(
    adapter.fields.map((field) => [field.name, bodyText(request.body, `field_${field.name}`)]),
  );
  const input = {
    kind,
    name: form.value.name,
    departmentId: form.value.departmentId ?? null,
    inboxChannelId: form.value.inboxChannelId ?? null,
    enabled: form.value.enabled,
    fields,
  };
  const outcome = await saveDestination(ctx, request.viewer, request.organisation, id, input);
  if (!outcome.ok) {
    const existing =
      id === undefined ? undefined : (await listDestinations(ctx, request.organisation.id)).find((d) => d.id === id);
    const state: FormState = {
      id,
      kind,
      name: input.name,
      departmentId: String(input.departmentId ?? ''),
      inboxChannelId: String(input.inboxChannelId ?? ''),
      enabled: input.enabled,
      fields,
      secretNames: existing?.secretNames ?? [],
    };
    return destinationForm(ctx, request, reply, state, fieldTexts(request, outcome.fields), 400);
  }
  setNotice(reply, 'publishing.notice.destinationSaved');
  return reply.redirect('/admin/publishing/destinations', 303);
}

/** Administrators' destinations: every adapter kind with fields can be added; built-in ones are listed. */
export function registerDestinationPages(app: App, ctx: AppContext): void {
  app.get('/admin/publishing/destinations', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const { t } = request;
    const destinations = await listDestinations(ctx, request.organisation.id);
    const kinds = ctx.registry.publishingAdapters.filter((adapter) => adapter.fields);
    return publishingPage(request, reply, {
      title: t('publishing.destinations.title'),
      main: html`<h1>${t('publishing.destinations.title')}</h1>
${
  destinations.length === 0
    ? html`<p>${t('publishing.destinations.none')}</p>`
    : html`<table class="publishing-table"><thead><tr><th scope="col">${t('publishing.destinations.name')}</th><th scope="col">${t('publishing.destinations.kind')}</th><th scope="col">${t('publishing.list.state')}</th></tr></thead>
<tbody>${destinations.map((d) => {
        const adapter = adapterFor(ctx, d.kind);
        return html`<tr><td>${adapter?.fields ? html`<a href="/admin/publishing/destinations/${d.id}">${d.name}</a>` : d.name}</td><td>${adapter ? t(adapter.label) : d.kind}</td>
<td>${d.enabled ? t('publishing.destinations.enabled') : t('publishing.destinations.disabled')}${adapter?.fields ? '' : html` — ${t('publishing.destinations.builtIn')}`}${d.secretsUnreadable ? html`<br><strong>${t('publishing.destinations.unreadable')}</strong>` : ''}</td></tr>`;
      })}</tbody></table>`
}
${kinds.length ? html`<h2>${t('publishing.destinations.addTitle')}</h2><ul>${kinds.map((adapter) => html`<li><a href="/admin/publishing/destinations/new/${encodeURIComponent(adapter.kind)}">${t('publishing.destinations.add', { kind: t(adapter.label) })}</a></li>`)}</ul>` : ''}`,
    });
  });

  app.get('/admin/publishing/destinations/new/:kind', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const kind = kindParam(request);
    return destinationForm(ctx, request, reply, {
      id: undefined,
      kind,
      name: '',
      departmentId: '',
      inboxChannelId: '',
      enabled: true,
      fields: {},
      secretNames: [],
    });
  });
  app.post('/admin/publishing/destinations/new/:kind', { schema: { hide: true } }, async (request, reply) =>
    handleSave(ctx, request, reply, undefined, kindParam(request)),
  );

  app.get('/admin/publishing/destinations/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const id = paramOf(request, 'id');
    const found =
      id === undefined ? undefined : (await listDestinations(ctx, request.organisation.id)).find((d) => d.id === id);
    if (!found) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
    const fields = Object.fromEntries(
      Object.entries(found.settings).map(([name, value]) => [
        name,
        value === true ? 'yes' : value === false ? '' : String(value),
      ]),
    );
    return destinationForm(ctx, request, reply, {
      id: found.id,
      kind: found.kind,
      name: found.name,
      departmentId: String(found.departmentId ?? ''),
      inboxChannelId: String(found.inboxChannelId ?? ''),
      enabled: found.enabled,
      fields,
      secretNames: found.secretNames,
    });
  });
  app.post('/admin/publishing/destinations/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'configure');
    const id = paramOf(request, 'id');
    const found = id === undefined ? undefined : await findDestination(ctx.db, request.organisation.id, id);
    if (!found) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
    return handleSave(ctx, request, reply, found.id, found.kind);
  });
  app.post('/admin/publishing/destinations/:id/remove', { schema: { hide: true } }, async (request, reply) => {
    const id = paramOf(request, 'id');
    if (id === undefined) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
    await removeDestination(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'publishing.notice.destinationRemoved');
    return reply.redirect('/admin/publishing/destinations', 303);
  });
}
