import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, formatDate, setNotice } from '../../../platform/web/layout.ts';
import { recordAudit } from '../../../platform/audit.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { eraseAuthor, exportAuthor, searchAuthors } from '../listening/privacy.ts';
import { valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger, renderInboxPage } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { EraseAuthorForm } from '../inbox.forms.ts';

async function renderPeople(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { t, lang } = request;
  const query = valueOf(request.query, 'q').slice(0, 200);
  const people = query === '' ? [] : await searchAuthors(ctx.db, request.viewer, request.organisation.id, query);
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

/** Requests of people to see or erase what the inbox holds about them (export as JSON, erase with confirmation). */
export function registerPrivacyPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/people', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'erase');
    return renderPeople(ctx, request, reply);
  });
  app.get('/staff/inbox/people/:id/export.json', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'erase');
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined) throw new AppError('INBOX_AUTHOR_NOT_FOUND');
    const data = await exportAuthor(ctx.db, request.organisation.id, id);
    await recordAudit(ctx.db, {
      organisationId: request.organisation.id,
      actor: { id: request.viewer.id, label: request.viewer.displayName },
      action: 'inbox.author.export',
      subjectType: 'inbox_author',
      subjectId: id,
    });
    reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="inbox-person-${id}.json"`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });
  app.post('/staff/inbox/people/:id/erase', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'erase');
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined) throw new AppError('INBOX_AUTHOR_NOT_FOUND');
    const form = readForm(EraseAuthorForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    if (form.value.confirm !== 'yes') throw new AppError('INBOX_ERASE_NOT_CONFIRMED');
    await eraseAuthor(ctx.db, request.viewer, request.organisation.id, id);
    setNotice(reply, 'inbox.people.erased');
    return reply.redirect('/staff/inbox/people', 303);
  });
}
