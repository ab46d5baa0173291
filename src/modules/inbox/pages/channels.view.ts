import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, formatDate, renderPage } from '../../../platform/web/layout.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import type { ChannelSummary } from '../channels.repository.ts';
import type { ChannelAdapter, ChannelRecord } from '../channels/channel.ts';
import { adapterFor } from '../channels/index.ts';
import { CHANNEL_KINDS, type ChannelKind } from '../inbox.schema.ts';
import { fieldId, type ChannelInput } from '../channels.use-cases.ts';

export const BASE = '/admin/inbox/channels';

function settingText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function kindLabel(request: FastifyRequest, kind: ChannelKind): string {
  return request.t(`inbox.channels.kind.${kind}` as MessageKey);
}

function page(request: FastifyRequest, reply: FastifyReply, title: string, main: Html, status = 200): FastifyReply {
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title,
    noIndex: true,
    status,
    main: html`<p><a href="/admin">← ${request.t('admin.title')}</a></p>${main}`,
  });
}

function statusText(request: FastifyRequest, channel: ChannelSummary): Html {
  const { t } = request;
  if (channel.secretsUnreadable) return html`<strong>${t('inbox.channels.status.secretsUnreadable')}</strong>`;
  if (!channel.enabled) return html`${t('inbox.channels.status.off')}`;
  if (channel.status === 'failing')
    return html`<strong>${t('inbox.channels.status.failing', { count: channel.failures })}</strong>${channel.lastError ? html`<br><span class="muted">${channel.lastError}</span>` : ''}`;
  return html`${t(channel.status === 'ok' ? 'inbox.channels.status.ok' : 'inbox.channels.status.new')}`;
}

function when(request: FastifyRequest, date: Date | null): string {
  return date ? formatDate(request, date, true) : '—';
}

/** The address a push channel's service must call, as its adapter names it. */
export function webhookUrl(request: FastifyRequest, kind: ChannelKind, id: number): string | undefined {
  const path = adapterFor(kind)?.webhookPath?.(id);
  return path === undefined ? undefined : absoluteUrl(request.server, request.organisation, path);
}

/** The city's channels and the form to add one. */
export function channelListView(
  request: FastifyRequest,
  reply: FastifyReply,
  channels: ChannelSummary[],
): FastifyReply {
  const { t } = request;
  const kinds = CHANNEL_KINDS.filter((kind) => adapterFor(kind));
  return page(
    request,
    reply,
    t('inbox.channels.title'),
    html`<h1>${t('inbox.channels.title')}</h1>
<p>${t('inbox.channels.lead')}</p>
${
  channels.length === 0
    ? html`<p>${t('inbox.channels.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
<thead><tr><th scope="col">${t('inbox.channels.name')}</th><th scope="col">${t('inbox.channels.kind')}</th><th scope="col">${t('inbox.channels.status')}</th><th scope="col">${t('inbox.channels.lastPolled')}</th><th scope="col">${t('inbox.channels.lastReceived')}</th></tr></thead>
<tbody>${channels.map((channel) => html`<tr><td><a href="${BASE}/${channel.id}">${channel.name}</a></td><td>${kindLabel(request, channel.kind)}</td><td>${statusText(request, channel)}</td><td>${when(request, channel.lastPolledAt)}</td><td>${when(request, channel.lastReceivedAt)}</td></tr>`)}</tbody>
</table></div>`
}
<h2 id="add">${t('inbox.channels.add')}</h2>
<form method="get" action="${BASE}/new">
  <div class="field"><label for="kind">${t('inbox.channels.kind')}</label>
  <select id="kind" name="kind">${kinds.map((kind) => html`<option value="${kind}">${kindLabel(request, kind)}</option>`)}</select></div>
  <button type="submit" class="button">${t('inbox.channels.continue')}</button>
</form>`,
  );
}

/** The channel form built from the adapter's fields; secrets are password inputs that are never filled in. */
function channelForm(
  request: FastifyRequest,
  adapter: ChannelAdapter,
  options: {
    action: string;
    name: string;
    values: Record<string, string>;
    storedSecrets: string[];
    errors: Record<string, string>;
  },
): Html {
  const { t } = request;
  return html`${errorSummary(request, options.errors)}
<form method="post" action="${options.action}">
  ${csrfField(request)}
  ${field({ name: 'name', label: t('inbox.channels.name'), value: options.name, required: true, maxlength: 120, ...(options.errors.name ? { error: options.errors.name } : {}) })}
  ${adapter.fields.map((item) => {
    const id = fieldId(adapter, item.name);
    const error = options.errors[id];
    if (item.type === 'checkbox') {
      return html`<div class="checkbox"><input type="checkbox" id="${id}" name="${id}" value="1"${options.values[id] === '1' ? raw(' checked') : ''}><label for="${id}">${t(item.label)}</label></div>`;
    }
    if (item.type === 'textarea' && !item.secret) {
      return html`<div class="field${error ? ' field--error' : ''}"><label for="${id}">${t(item.label)}</label>${item.hint ? html`<p class="field__hint" id="${id}-hint">${t(item.hint)}</p>` : ''}${error ? html`<p class="field__error" id="${id}-error">${error}</p>` : ''}<textarea id="${id}" name="${id}" rows="4"${item.hint ? html` aria-describedby="${id}-hint"` : ''}>${options.values[id] ?? ''}</textarea></div>`;
    }
    const stored = item.secret && options.storedSecrets.includes(item.name);
    const hint = [item.hint ? t(item.hint) : '', stored ? t('inbox.channels.secretStored') : '']
      .filter(Boolean)
      .join(' ');
    return field({
      name: id,
      label: t(item.label),
      type: item.secret
        ? 'password'
        : item.type === 'url' || item.type === 'email' || item.type === 'number'
          ? item.type
          : 'text',
      value: item.secret ? '' : (options.values[id] ?? ''),
      required: Boolean(item.required) && !stored,
      ...(item.secret ? { autocomplete: 'new-password' } : {}),
      ...(hint ? { hint } : {}),
      ...(error ? { error } : {}),
    });
  })}
  <button type="submit" class="button">${t('inbox.channels.save')}</button>
</form>`;
}

/** The form for a new channel of `kind`, with the problems of a refused one. */
export function newChannelView(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: ChannelKind,
  input: ChannelInput,
  errors: Record<string, string> = {},
): FastifyReply {
  const adapter = adapterFor(kind);
  if (!adapter) throw new AppError('NOT_FOUND');
  const title = request.t('inbox.channels.new', { kind: kindLabel(request, kind) });
  return page(
    request,
    reply,
    title,
    html`<h1>${title}</h1>${channelForm(request, adapter, { action: `${BASE}/new?kind=${kind}`, name: input.name, values: input.values, storedSecrets: [], errors })}`,
    Object.keys(errors).length > 0 ? 400 : 200,
  );
}

/** What a channel's page shows again after a form or a check: the typed input and its problems, the check's result. */
export interface ChannelPageState {
  input?: ChannelInput;
  errors?: Record<string, string>;
  check?: { ok: boolean; detail?: string | undefined };
}

/** One channel: its state, the checks and switches, and its settings form. */
export function channelView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { channel: ChannelRecord & { enabled: boolean }; summary: ChannelSummary; adapter: ChannelAdapter },
  state: ChannelPageState = {},
): FastifyReply {
  const { t } = request;
  const { channel, summary, adapter } = data;
  const id = channel.id;
  const values =
    state.input?.values ??
    Object.fromEntries(
      adapter.fields
        .filter((item) => !item.secret)
        .map((item) => [
          fieldId(adapter, item.name),
          item.type === 'checkbox'
            ? channel.settings[item.name] === true
              ? '1'
              : ''
            : settingText(channel.settings[item.name]),
        ]),
    );
  const csrf = csrfField(request);
  const title = `${channel.name} (${kindLabel(request, channel.kind)})`;
  return page(
    request,
    reply,
    title,
    html`<p><a href="${BASE}">← ${t('inbox.channels.title')}</a></p>
<h1>${title}</h1>
<dl class="summary-list">
  <dt>${t('inbox.channels.status')}</dt><dd>${statusText(request, summary)}</dd>
  <dt>${t('inbox.channels.lastPolled')}</dt><dd>${when(request, summary.lastPolledAt)}</dd>
  <dt>${t('inbox.channels.lastReceived')}</dt><dd>${when(request, summary.lastReceivedAt)}</dd>
  ${adapter.webhookPath ? html`<dt>${t('inbox.channels.webhookUrl')}</dt><dd><code>${webhookUrl(request, channel.kind, id)}</code></dd>` : ''}
</dl>
${state.check ? html`<div class="notice" role="status"><p>${t(state.check.ok ? 'inbox.channels.checkOk' : 'inbox.channels.checkFailed')}${state.check.detail ? html` <code>${state.check.detail}</code>` : ''}</p></div>` : ''}
<div class="actions">
<form method="post" action="${BASE}/${id}/check" class="inline-form">${csrf}<button type="submit" class="button">${t('inbox.channels.check')}</button></form>
${channel.kind === 'telegram' ? html`<form method="post" action="${BASE}/${id}/telegram-webhook" class="inline-form">${csrf}<button type="submit" class="button">${t('inbox.channels.setWebhook')}</button></form>` : ''}
<form method="post" action="${BASE}/${id}/enabled" class="inline-form">${csrf}<input type="hidden" name="enabled" value="${channel.enabled ? 'no' : 'yes'}"><button type="submit" class="button">${t(channel.enabled ? 'inbox.channels.switchOff' : 'inbox.channels.switchOn')}</button></form>
<form method="post" action="${BASE}/${id}/archive" class="inline-form">${csrf}<button type="submit" class="button">${t('inbox.channels.archive')}</button></form>
</div>
<h2>${t('inbox.channels.settings')}</h2>
${channelForm(request, adapter, { action: `${BASE}/${id}`, name: state.input?.name ?? channel.name, values, storedSecrets: Object.keys(channel.secrets), errors: state.errors ?? {} })}`,
    state.errors && Object.keys(state.errors).length > 0 ? 400 : 200,
  );
}
