import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { correctPost, withdrawPost } from '../corrections.use-cases.ts';
import { loadPost } from '../posts.use-cases.ts';
import { WithdrawForm } from '../publishing.forms.ts';
import { showPost } from './post.pages.ts';
import { editorData, editorDestinations, readPostForm, valuesOf } from './posts.pages.ts';
import { editorPage } from './posts.view.ts';
import { fieldTexts, paramOf } from './shared.ts';

function postId(request: FastifyRequest): number {
  const id = paramOf(request, 'id');
  if (id === undefined) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  return id;
}

/** Correcting and withdrawing a post already published (corrections.use-cases.ts says what each does). */
export function registerCorrectionPages(app: App, ctx: AppContext): void {
  app.get('/staff/publishing/posts/:id/correct', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const post = await loadPost(ctx, request.viewer, request.organisation, id);
    if (post.state !== 'published') throw new AppError('PUBLISHING_POST_NOT_PUBLISHED');
    const data = await editorData(ctx, request, id, valuesOf(post, request), {});
    return editorPage(request, reply, { ...data, correcting: true });
  });

  app.post('/staff/publishing/posts/:id/correct', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const post = await loadPost(ctx, request.viewer, request.organisation, id);
    const destinations = await editorDestinations(ctx, request.organisation.id);
    const { input, values } = readPostForm(
      request,
      destinations.map((d) => d.id),
    );
    const outcome = await correctPost(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) {
      const data = await editorData(
        ctx,
        request,
        id,
        { ...values, destinationIds: post.destinationIds },
        fieldTexts(request, outcome.fields),
      );
      return editorPage(request, reply, { ...data, correcting: true }, 400);
    }
    setNotice(reply, 'publishing.notice.corrected');
    return reply.redirect(`/staff/publishing/posts/${id}`, 303);
  });

  app.post('/staff/publishing/posts/:id/withdraw', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const form = readForm(WithdrawForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await withdrawPost(ctx, request.viewer, request.organisation, id, form.value.reason ?? '');
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, {
        status: 400,
        errors: { reason: request.t('publishing.withdraw.reasonRequired') },
      });
    setNotice(reply, 'publishing.notice.withdrawn');
    return reply.redirect(`/staff/publishing/posts/${id}`, 303);
  });
}
