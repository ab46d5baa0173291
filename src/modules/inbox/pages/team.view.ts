import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate } from '../../../platform/web/layout.ts';
import type { Note, NotificationRow, StaffPreferences } from '../team.repository.ts';
import { firstLine, renderInboxPage, textareaInput, type FieldError } from './shared.ts';

/** A conversation's internal notes (marked as never sent) and the form to write one. */
export function notesSection(
  request: FastifyRequest,
  conversationId: number,
  notes: Note[],
  handles: string[],
  options: { write: boolean; error?: FieldError | undefined; text?: string },
): Html {
  const { t } = request;
  return html`<section class="inbox-notes" aria-labelledby="notes-title" id="notes">
  <h2 id="notes-title" class="inbox-small-title">${t('inbox.notes.title')}</h2>
  ${
    notes.length
      ? html`<ol class="inbox-note-list">${notes.map(
          (note) => html`<li class="inbox-note" id="note-${note.id}">
  <p><strong>${t('inbox.notes.by', { name: note.authorName ?? t('inbox.thread.city') })}</strong> · <time datetime="${note.createdAt.toISOString()}">${formatDate(request, note.createdAt, true)}</time> · <span class="tag">${t('inbox.notes.private')}</span></p>
  <div class="inbox-body">${note.body}</div>
</li>`,
        )}</ol>`
      : ''
  }
  ${
    options.write
      ? html`<details class="inbox-note-write"${options.error || options.text ? raw(' open') : ''}><summary>${t('inbox.notes.write')}</summary>
  <form method="post" action="/staff/inbox/${conversationId}/notes">
    ${csrfField(request)}
    ${textareaInput({ name: 'note', id: 'note-text', label: t('inbox.notes.text'), hint: t('inbox.notes.hint', { handles: handles.slice(0, 12).join(', ') }), value: options.text ?? '', maxlength: 5000, rows: 3, required: true, error: options.error })}
    <button type="submit" class="button button--secondary">${t('inbox.notes.save')}</button>
  </form></details>`
      : ''
  }
</section>`;
}

/** The viewer's notifications: what happened, in which conversation, read or not. */
export function notificationsView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { unread: number; rows: NotificationRow[] },
): FastifyReply {
  const { t } = request;
  const title = t('inbox.notify.title');
  const main = html`<h1>${title}</h1>
<p data-unread="${data.unread}">${t('inbox.notify.unread', { n: data.unread })}</p>
${
  data.rows.length === 0
    ? html`<p>${t('inbox.notify.none')}</p>`
    : html`<ul class="inbox-notifications">${data.rows.map(
        (
          row,
        ) => html`<li class="${row.read ? 'inbox-notification' : 'inbox-notification inbox-notification--unread'}" data-kind="${row.kind}">
  ${row.read ? '' : html`<span class="tag">${t('inbox.notify.new')}</span> `}<a href="/staff/inbox/${row.conversationId}">${t(`inbox.notify.kind.${row.kind}` as MessageKey, { actor: row.actorName ?? '' })}: ${firstLine(row.subject ?? '', 80) || `#${row.conversationId}`}</a>
  <span class="muted"><time datetime="${row.createdAt.toISOString()}">${formatDate(request, row.createdAt, true)}</time></span>
</li>`,
      )}</ul>`
}
${
  data.unread
    ? html`<form method="post" action="/staff/inbox/notifications/read">${csrfField(request)}<button type="submit" class="button button--secondary">${t('inbox.notify.readAll')}</button></form>`
    : ''
}
<p><a href="/staff/inbox/preferences">${t('inbox.prefs.title')}</a></p>`;
  return renderInboxPage(request, reply, { title, main, unread: data.unread });
}

/** The viewer's inbox preferences: notifications by mail and the keyboard shortcuts. */
export function preferencesView(
  request: FastifyRequest,
  reply: FastifyReply,
  preferences: StaffPreferences,
): FastifyReply {
  const { t } = request;
  const title = t('inbox.prefs.title');
  const box = (name: keyof StaffPreferences, label: MessageKey) =>
    html`<div class="checkbox"><input type="checkbox" id="pref-${name}" name="${name}" value="yes"${preferences[name] ? raw(' checked') : ''}> <label for="pref-${name}">${t(label)}</label></div>`;
  const main = html`<h1>${title}</h1>
<form method="post" action="/staff/inbox/preferences">
  ${csrfField(request)}
  <fieldset class="field"><legend>${t('inbox.prefs.notifications')}</legend>
    ${box('notifyNewMessage', 'inbox.prefs.notifyNewMessage')}
    ${box('emailNewMessage', 'inbox.prefs.emailNewMessage')}
    ${box('emailAssignment', 'inbox.prefs.emailAssignment')}
    ${box('emailMention', 'inbox.prefs.emailMention')}
  </fieldset>
  <fieldset class="field"><legend>${t('inbox.prefs.keyboard')}</legend>
    ${box('shortcuts', 'inbox.prefs.shortcuts')}
    <p class="field__hint">${t('inbox.prefs.shortcutsHint')}</p>
  </fieldset>
  <button type="submit" class="button">${t('inbox.prefs.save')}</button>
</form>`;
  return renderInboxPage(request, reply, { title, main });
}
