import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDebate } from '../conversation.repository.ts';
import { findProcess, findProcessBySlug, type Process } from '../processes.repository.ts';
import { startDebate } from '../use-cases/start-debate.ts';
import { commentsSection, parseCommentSort } from './comments.pages.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { DebateForm } from '../participation.forms.ts';
import { messages, paragraphs, pathId, stylesheet, textarea, translated } from './shared.ts';

/** A debate's page with its arguments and comments, and the form to open a debate. */
export function registerDebatePages(app: App, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/debates/:id', async (request, reply) => {
    const { t, organisation } = request;
    const debate = await findDebate(ctx.db, organisation.id, pathId(request.params.id, 'DEBATE_NOT_FOUND'));
    if (!debate || debate.hidden) throw new AppError('DEBATE_NOT_FOUND');
    const process = await findProcess(ctx.db, organisation.id, debate.processId);
    if (!process) throw new AppError('DEBATE_NOT_FOUND');
    const comments = await commentsSection(ctx, request, {
      type: 'debate',
      id: debate.id,
      process,
      sort: parseCommentSort(request),
    });
    reply.header('cache-control', 'private, no-store');
    return renderPage(request, reply, {
      title: debate.title,
      description: debate.body.slice(0, 200),
      ogType: 'article',
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a></p>
<h1>${debate.title}</h1>
<p class="muted">${t('participation.proposal.by', { name: debate.authorName ?? t('participation.anonymous'), date: formatDate(request, debate.createdAt) })}</p>
${paragraphs(request, debate.body)}
<p>${t('participation.debate.counts', { for: debate.argumentsFor, against: debate.argumentsAgainst, comments: t('participation.debate.commentCount', { count: debate.comments }) })}</p>
${comments}`,
    });
  });

  app.get<{ Params: { slug: string } }>('/processes/:slug/debates/new', async (request, reply) => {
    const process = await findProcessBySlug(ctx.db, request.organisation.id, request.params.slug);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
    return newDebatePage(request, reply, process, { title: '', body: '' }, {});
  });

  app.post<{ Params: { slug: string } }>('/processes/:slug/debates', async (request, reply) => {
    const process = await findProcessBySlug(ctx.db, request.organisation.id, request.params.slug);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    const form = readForm(DebateForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const input = form.value;
    const outcome = await startDebate(ctx, request.viewer, request.organisation, process, input);
    if (outcome.ok) {
      setNotice(reply, 'participation.debate.created');
      return reply.redirect(`/debates/${outcome.id}`, 303);
    }
    if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
    const errors =
      outcome.code === 'PROPOSAL_INVALID'
        ? messages(request, outcome.fields)
        : { title: request.t(`participation.error.${outcome.code}` as MessageKey) };
    return newDebatePage(
      request,
      reply,
      process,
      input,
      errors,
      outcome.code === 'PROPOSAL_INVALID' ? 400 : outcome.code === 'PARTICIPATION_CLOSED' ? 409 : 403,
    );
  });

  function newDebatePage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: Process,
    values: { title: string; body: string },
    errors: Record<string, string>,
    status = 200,
  ) {
    const { t } = request;
    reply.header('cache-control', 'private, no-store');
    return renderPage(request, reply, {
      title: t('participation.debate.new'),
      status,
      noIndex: true,
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a></p>
<h1>${t('participation.debate.new')}</h1>
${errorSummary(request, errors)}
<form method="post" action="/processes/${process.slug}/debates" class="stack" novalidate>${csrfField(request)}
${field({ name: 'title', label: t('participation.debate.question'), value: values.title, error: errors.title, required: true, maxlength: 200 })}
${textarea('body', t('participation.debate.context'), values.body, { error: errors.body, rows: 8, maxlength: 10000, required: true })}
<button type="submit" class="button">${t('participation.debate.open')}</button></form>`,
    });
  }
}
