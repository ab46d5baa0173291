import type { FastifyReply, FastifyRequest } from 'fastify';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, formatDate } from '../../../platform/web/layout.ts';
import type { AuthorMatch } from '../listening/privacy.ts';
import { renderInboxPage } from './shared.ts';

/** The search for a person's messages, with export and erasure for each person found for `query`. */
export function peopleView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { query: string; people: AuthorMatch[] },
): FastifyReply {
  const { t, lang } = request;
  const { query, people } = data;
  const count = numberFormat(lang);
  const main = html`<h1>${t('inbox.people.title')}</h1>
<p>${t('inbox.people.lead')}</p>
<form class="filters" method="get" action="/staff/inbox/people" role="search">
<div class="field"><label for="q">${t('inbox.people.search')}</label><input id="q" name="q" type="search" value="${query}" maxlength="200"></div>
<button class="button" type="submit">${t('inbox.people.find')}</button>
</form>
${
  query === ''
    ? ''
    : people.length === 0
      ? html`<p>${t('inbox.people.none')}</p>`
      : html`<div class="table-wrap"><table class="data-table"><caption>${t('inbox.people.results', { count: people.length })}</caption>
<thead><tr><th scope="col">${t('inbox.people.person')}</th><th scope="col">${t('inbox.people.channel')}</th><th scope="col" class="numeric">${t('inbox.listening.messages')}</th><th scope="col">${t('inbox.people.last')}</th><th scope="col">${t('inbox.codes.actions')}</th></tr></thead>
<tbody>${people.map(
          (
            person,
          ) => html`<tr><th scope="row">${person.name ?? person.handle ?? person.email ?? t('inbox.people.unnamed')}${person.email ? html`<br><span class="muted">${person.email}</span>` : ''}${person.handle ? html`<br><span class="muted">${person.handle}</span>` : ''}</th>
<td>${person.channelKind}</td><td class="numeric">${count.format(person.messages)}</td><td>${person.lastMessageAt ? formatDate(request, person.lastMessageAt) : '—'}</td>
<td><a href="/staff/inbox/people/${person.id}/export.json">${t('inbox.people.export')}</a>
<form method="post" action="/staff/inbox/people/${person.id}/erase">${csrfField(request)}
<div class="checkbox"><input type="checkbox" id="confirm-${person.id}" name="confirm" value="yes" required><label for="confirm-${person.id}">${t('inbox.people.confirm')}</label></div>
<button class="button button--small button--danger" type="submit">${t('inbox.people.erase')}</button></form></td></tr>`,
        )}</tbody></table></div>`
}`;
  return renderInboxPage(request, reply, { title: t('inbox.people.title'), main });
}
