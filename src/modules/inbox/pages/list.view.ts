import type { FastifyRequest } from 'fastify';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import type { ConversationRow } from '../conversations.repository.ts';
import type { ConversationStatus } from '../inbox.schema.ts';
import { channelLabel, firstLine, hoursBetween } from './shared.ts';

/** Labels of the values the list shows, in the reader's language. */
export interface Labels {
  language(code: string | null): string;
  sentiment(value: 'negative' | 'neutral' | 'positive' | null): string;
  topic(key: string | null): string;
  district(id: number | null): string;
  status(value: ConversationStatus): string;
}

/** "3 hours", "2 days": how long ago, in whole units. */
export function age(request: FastifyRequest, from: Date, now: Date): string {
  const hours = hoursBetween(from, now);
  return hours < 48
    ? request.t('inbox.age.hours', { count: hours })
    : request.t('inbox.age.days', { count: Math.floor(hours / 24) });
}

/** The first-response marker: answered after N hours, or waiting N hours — in words, marked when over the goal. */
export function firstResponseNote(
  request: FastifyRequest,
  row: { firstMessageAt: Date; firstResponseAt: Date | null; status: ConversationStatus },
  goalHours: number,
  now: Date,
): Html {
  if (row.firstResponseAt)
    return html`<span class="muted">${request.t('inbox.firstResponse.after', { hours: hoursBetween(row.firstMessageAt, row.firstResponseAt) })}</span>`;
  if (row.status === 'done') return html``;
  const hours = hoursBetween(row.firstMessageAt, now);
  const text = request.t('inbox.firstResponse.waiting', { hours });
  return hours > goalHours
    ? html`<strong class="staff-overdue inbox-late">${text} ${request.t('inbox.firstResponse.overGoal', { goal: goalHours })}</strong>`
    : html`<span>${text}</span>`;
}

function assignedText(request: FastifyRequest, row: ConversationRow): string {
  return [
    row.departmentName ? localized(row.departmentName, request.lang, request.organisation.defaultLanguage) : '',
    row.assigneeName ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * One row of the compact list: one line per conversation (long texts cut by the stylesheet), the labels
 * the analysis gave folded into the message cell. `select` adds the check box of bulk actions.
 */
function conversationRow(
  request: FastifyRequest,
  row: ConversationRow,
  labels: Labels,
  goalHours: number,
  now: Date,
  select: boolean,
): Html {
  const { t } = request;
  const author = row.authorName ?? row.authorHandle ?? row.authorEmail ?? t('inbox.anonymous');
  const text = firstLine(row.firstBody ?? row.subject ?? '', 90) || t('inbox.noText');
  const facts = [labels.topic(row.topic), labels.sentiment(row.sentiment), labels.language(row.language)]
    .filter((fact) => fact !== '—')
    .join(' · ');
  return html`<tr>
  ${select ? html`<td class="inbox-select"><input type="checkbox" name="id" value="${row.id}" form="bulk" id="select-${row.id}" aria-labelledby="select-${row.id} link-${row.id}" aria-label="${t('inbox.bulk.select')}"></td>` : ''}
  <td class="inbox-col-channel">${channelLabel(row.channelKind, row.channelName)}</td>
  <td class="inbox-col-author">${author}</td>
  <td><a href="/staff/inbox/${row.id}"><span id="link-${row.id}">${text}</span></a>${row.messageCount > 1 ? html` <span class="muted">(${row.messageCount})</span>` : ''}${row.reportId ? html` <span class="tag">${t('inbox.reportTag', { id: row.reportId })}</span>` : ''}${facts ? html` <span class="muted inbox-facts">${facts}</span>` : ''}</td>
  <td class="inbox-col-status" data-status="${row.status}">${labels.status(row.status)}${row.deliveryFailedAt ? html` <span class="tag inbox-delivery inbox-delivery--failed" data-delivery="failed">${t('inbox.filter.deliveryFailed')}</span>` : ''}</td>
  <td class="inbox-col-assigned">${assignedText(request, row) || '—'}</td>
  <td class="inbox-col-age"><time datetime="${row.lastMessageAt.toISOString()}" title="${formatDate(request, row.lastMessageAt, true)}">${age(request, row.lastMessageAt, now)}</time> ${firstResponseNote(request, row, goalHours, now)}</td>
</tr>`;
}

/** The compact table of conversations, one line each. */
export function conversationTable(
  request: FastifyRequest,
  rows: ConversationRow[],
  labels: Labels,
  goalHours: number,
  select: boolean,
): Html {
  const { t } = request;
  const now = new Date();
  return html`<div class="table-wrap"><table class="data-table inbox-list" id="inbox-list">
<caption class="visually-hidden">${t('inbox.title')}</caption>
<thead><tr>${select ? html`<th scope="col" class="inbox-select"><span class="visually-hidden">${t('inbox.bulk.select')}</span></th>` : ''}<th scope="col" class="inbox-col-channel">${t('inbox.col.channel')}</th><th scope="col" class="inbox-col-author">${t('inbox.col.author')}</th><th scope="col">${t('inbox.col.message')}</th><th scope="col" class="inbox-col-status">${t('inbox.filter.status')}</th><th scope="col" class="inbox-col-assigned">${t('inbox.col.assigned')}</th><th scope="col" class="inbox-col-age">${t('inbox.col.age')}</th></tr></thead>
<tbody>${rows.map((row) => conversationRow(request, row, labels, goalHours, now, select))}</tbody>
</table></div>`;
}

/** The list beside an open conversation (the split view on wide screens): one link per conversation. */
export function sideList(request: FastifyRequest, rows: ConversationRow[], labels: Labels, currentId: number): Html {
  const { t } = request;
  const now = new Date();
  return html`<nav class="inbox-side" aria-label="${t('inbox.side.label')}"><ul>${rows.map((row) => {
    const author = row.authorName ?? row.authorHandle ?? row.authorEmail ?? t('inbox.anonymous');
    const text = firstLine(row.firstBody ?? row.subject ?? '', 90) || t('inbox.noText');
    return html`<li><a href="/staff/inbox/${row.id}" data-conversation="${row.id}" data-status="${row.status}"${row.id === currentId ? raw(' aria-current="page"') : ''}><span class="inbox-side__who">${author}</span> <span class="muted">${labels.status(row.status)} · ${age(request, row.lastMessageAt, now)}</span><span class="inbox-side__text">${text}</span></a></li>`;
  })}</ul></nav>`;
}
