import type { FastifyRequest } from 'fastify';
import { hasMessage } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, formatDate } from '../../../platform/web/layout.ts';
import type { DeliveryRow } from '../deliveries.repository.ts';
import { MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH } from '../webhooks.forms.ts';
import type { SubscriptionDetail, Subscription, UrlProblem } from '../webhooks.use-cases.ts';

/** The label of an event type: the module's words when the catalogue has them, otherwise the type. */
export function eventLabel(request: FastifyRequest, type: string): Html {
  const key = `webhooks.event.${type}`;
  return hasMessage(key) ? html`${request.t(key)} <code>${type}</code>` : html`<code>${type}</code>`;
}

export function statusTag(request: FastifyRequest, subscription: Subscription): Html {
  if (subscription.status === 'active') return html`<span class="tag">${request.t('webhooks.status.active')}</span>`;
  return html`<span class="tag tag--warning">${request.t(
    subscription.pauseReason === 'failing' ? 'webhooks.status.pausedFailing' : 'webhooks.status.paused',
  )}</span>`;
}

export function listView(request: FastifyRequest, subscriptions: Subscription[]): Html {
  const { t } = request;
  return html`<h1>${t('webhooks.title')}</h1>
<p>${t('webhooks.intro')}</p>
<p><a class="button" href="/admin/webhooks/new">${t('webhooks.new')}</a></p>
${
  subscriptions.length === 0
    ? html`<p>${t('webhooks.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('webhooks.title')}</caption>
  <thead><tr><th scope="col">${t('webhooks.url')}</th><th scope="col">${t('webhooks.events')}</th><th scope="col">${t('webhooks.statusLabel')}</th><th scope="col">${t('webhooks.lastSuccess')}</th></tr></thead>
  <tbody>${subscriptions.map(
    (s) => html`<tr>
    <td><a href="/admin/webhooks/${s.id}">${s.url}</a>${s.description ? html`<br><span class="muted">${s.description}</span>` : ''}</td>
    <td><ul class="plain-list">${s.eventTypes.map((type) => html`<li><code>${type}</code></li>`)}</ul></td>
    <td>${statusTag(request, s)}</td>
    <td>${s.lastSuccessAt ? formatDate(request, s.lastSuccessAt, true) : t('webhooks.never')}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}`;
}

export interface FormValues {
  url: string;
  description: string;
  events: string[];
}

export type FormErrors = { url?: UrlProblem | 'tooLong'; events?: 'required'; description?: 'tooLong' };

/** The subscription's form (new or edit), with its errors. */
export function subscriptionForm(
  request: FastifyRequest,
  options: { action: string; submit: string; types: string[]; values: FormValues; errors: FormErrors },
): Html {
  const { t } = request;
  const { errors, values } = options;
  const messages: Record<string, string> = {};
  if (errors.url) messages.url = t(`webhooks.error.url.${errors.url}`);
  if (errors.description) messages.description = t('webhooks.error.description.tooLong');
  if (errors.events) messages.events = t('webhooks.error.events.required');
  return html`${errorSummary(request, messages)}
<form method="post" action="${options.action}" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'url', label: t('webhooks.url'), type: 'url', value: values.url, error: messages.url, hint: t('webhooks.urlHint'), required: true, maxlength: MAX_URL_LENGTH, autocomplete: 'off' })}
  ${field({ name: 'description', label: t('webhooks.description'), value: values.description, error: messages.description, maxlength: MAX_DESCRIPTION_LENGTH, autocomplete: 'off' })}
  <fieldset class="field${messages.events ? ' field--error' : ''}" id="events"${messages.events ? raw(' aria-describedby="events-error"') : ''}>
    <legend>${t('webhooks.events')}</legend>
    ${messages.events ? html`<p class="field__error" id="events-error">${messages.events}</p>` : ''}
    ${options.types.map(
      (type, index) =>
        html`<div class="checkbox"><input type="checkbox" id="event-${index}" name="events" value="${type}"${values.events.includes(type) ? raw(' checked') : ''}><label for="event-${index}">${eventLabel(request, type)}</label></div>`,
    )}
  </fieldset>
  <button type="submit" class="button">${options.submit}</button>
</form>`;
}

function deliveryStatus(request: FastifyRequest, delivery: DeliveryRow): string {
  return request.t(`webhooks.delivery.${delivery.status}`);
}

function deliveriesTable(request: FastifyRequest, subscriptionId: number, deliveries: DeliveryRow[]): Html {
  const { t } = request;
  if (deliveries.length === 0) return html`<p>${t('webhooks.deliveries.empty')}</p>`;
  return html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('webhooks.deliveries')}</caption>
  <thead><tr><th scope="col">${t('webhooks.deliveries.created')}</th><th scope="col">${t('webhooks.deliveries.event')}</th><th scope="col">${t('webhooks.statusLabel')}</th><th scope="col">${t('webhooks.deliveries.attempts')}</th><th scope="col">${t('webhooks.deliveries.response')}</th><th scope="col">${t('webhooks.deliveries.time')}</th><th scope="col">${t('webhooks.actions')}</th></tr></thead>
  <tbody>${deliveries.map(
    (d) => html`<tr>
    <td><a href="/admin/webhooks/${subscriptionId}/deliveries/${d.id}">${formatDate(request, d.createdAt, true)}</a></td>
    <td><code>${d.eventType}</code></td>
    <td>${deliveryStatus(request, d)}${d.status === 'pending' && d.attempts > 0 ? html`<br><span class="muted">${t('webhooks.deliveries.next', { date: formatDate(request, d.nextAttemptAt, true) })}</span>` : ''}</td>
    <td>${d.attempts}</td>
    <td>${d.lastStatus ?? (d.lastError ? html`<code>${d.lastError}</code>` : '—')}</td>
    <td>${d.lastDurationMs === null ? '—' : t('webhooks.deliveries.ms', { count: d.lastDurationMs })}</td>
    <td>${
      d.status === 'succeeded' || d.status === 'failed'
        ? html`<form method="post" action="/admin/webhooks/${subscriptionId}/deliveries/${d.id}/redeliver" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('webhooks.redeliver')}<span class="visually-hidden"> ${d.messageId}</span></button></form>`
        : ''
    }</td>
  </tr>`,
  )}</tbody>
</table></div>`;
}

export function detailView(
  request: FastifyRequest,
  detail: SubscriptionDetail,
  form: { types: string[]; values: FormValues; errors: FormErrors },
): Html {
  const { t } = request;
  const { subscription: s, counts } = detail;
  const base = `/admin/webhooks/${s.id}`;
  const rotating = s.previousSecretUntil && s.previousSecretUntil > new Date() ? s.previousSecretUntil : undefined;
  return html`<p><a href="/admin/webhooks">${t('webhooks.back')}</a></p>
<h1>${t('webhooks.subscription', { id: s.id })}</h1>
<dl class="details">
  <dt>${t('webhooks.url')}</dt><dd><code>${s.url}</code></dd>
  <dt>${t('webhooks.statusLabel')}</dt><dd>${statusTag(request, s)}${s.pausedAt ? html` ${formatDate(request, s.pausedAt, true)}` : ''}</dd>
  <dt>${t('webhooks.lastSuccess')}</dt><dd>${s.lastSuccessAt ? formatDate(request, s.lastSuccessAt, true) : t('webhooks.never')}</dd>
  <dt>${t('webhooks.counts')}</dt><dd>${t('webhooks.counts.text', { succeeded: counts.succeeded, pending: counts.pending + counts.sending, failed: counts.failed })}</dd>
</dl>
${
  s.status === 'active'
    ? html`<form method="post" action="${base}/pause" class="inline-form">${csrfField(request)}<button type="submit" class="button button--secondary">${t('webhooks.pause')}</button></form>`
    : html`<p>${t(s.pauseReason === 'failing' ? 'webhooks.pausedFailingHint' : 'webhooks.pausedHint')}</p>
<form method="post" action="${base}/resume" class="inline-form">${csrfField(request)}<button type="submit" class="button">${t('webhooks.resume')}</button></form>`
}
<h2>${t('webhooks.secret')}</h2>
<p>${t('webhooks.secretHint')}</p>
${
  detail.secret === null
    ? html`<p>${t('webhooks.secretUnreadable')}</p>`
    : html`<details><summary>${t('webhooks.secretShow')}</summary><p><code id="signing-secret">${detail.secret}</code></p></details>`
}
${rotating ? html`<p>${t('webhooks.rotating', { date: formatDate(request, rotating, true) })}</p>` : ''}
<form method="post" action="${base}/rotate" class="inline-form">${csrfField(request)}<button type="submit" class="button button--secondary">${t('webhooks.rotate')}</button></form>
<h2>${t('webhooks.deliveries')}</h2>
${deliveriesTable(request, s.id, detail.deliveries)}
<h2>${t('webhooks.edit')}</h2>
${subscriptionForm(request, { action: base, submit: t('webhooks.save'), ...form })}
<h2>${t('webhooks.delete')}</h2>
<form method="post" action="${base}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="button button--danger">${t('webhooks.delete')}</button></form>`;
}

export function deliveryView(
  request: FastifyRequest,
  subscriptionId: number,
  detail: {
    delivery: { id: string; messageId: string; eventType: string; body: string; status: string };
    attempts: Array<{ attemptedAt: Date; responseStatus: number | null; durationMs: number; error: string | null }>;
  },
): Html {
  const { t } = request;
  const { delivery, attempts } = detail;
  let pretty = delivery.body;
  try {
    pretty = JSON.stringify(JSON.parse(delivery.body), null, 2);
  } catch {
    // shown as stored
  }
  return html`<p><a href="/admin/webhooks/${subscriptionId}">${t('webhooks.backToSubscription')}</a></p>
<h1>${t('webhooks.delivery', { id: delivery.messageId })}</h1>
<p><code>${delivery.eventType}</code></p>
<h2>${t('webhooks.delivery.attempts')}</h2>
${
  attempts.length === 0
    ? html`<p>${t('webhooks.delivery.noAttempts')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('webhooks.delivery.attempts')}</caption>
  <thead><tr><th scope="col">${t('webhooks.delivery.when')}</th><th scope="col">${t('webhooks.deliveries.response')}</th><th scope="col">${t('webhooks.deliveries.time')}</th></tr></thead>
  <tbody>${attempts.map(
    (a) =>
      html`<tr><td>${formatDate(request, a.attemptedAt, true)}</td><td>${a.responseStatus ?? (a.error ? html`<code>${a.error}</code>` : '—')}</td><td>${t('webhooks.deliveries.ms', { count: a.durationMs })}</td></tr>`,
  )}</tbody>
</table></div>`
}
<h2>${t('webhooks.delivery.body')}</h2>
<pre tabindex="0"><code>${pretty}</code></pre>`;
}
