import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { recordAudit } from '../../../platform/audit.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { eraseAuthor, exportAuthor, searchAuthors } from '../listening/privacy.ts';
import { valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger } from './shared.ts';
import { peopleView } from './privacy.view.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { EraseAuthorForm } from '../inbox.forms.ts';

/** Finds the people matching the search in the address and shows them. */
async function peoplePage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = valueOf(request.query, 'q').slice(0, 200);
  const people = query === '' ? [] : await searchAuthors(ctx.db, request.viewer, request.organisation.id, query);
  return peopleView(request, reply, { query, people });
}

/** Requests of people to see or erase what the inbox holds about them (export as JSON, erase with confirmation). */
export function registerPrivacyPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/people', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'erase');
    return peoplePage(ctx, request, reply);
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
