import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import {
  approvePost,
  commentOnPost,
  confirmEmergency,
  createReviewLink,
  currentStep,
  markReviewed,
  requestChanges,
  startEmergency,
} from '../approval.use-cases.ts';
import { findDeliveriesOfPost } from '../delivery.repository.ts';
import { findLatestChangesOfPost } from '../corrections.repository.ts';
import { retryDelivery } from '../delivery.ts';
import { findDestinations } from '../destinations.repository.ts';
import { findDecisions, findDepartmentChoices, findVersions } from '../posts.repository.ts';
import {
  addMedia,
  readPost,
  postProblems,
  removeMedia,
  submitPost,
  type DestinationProblems,
} from '../posts.use-cases.ts';
import { altForm, CommentForm, ReviewLinkForm } from '../publishing.forms.ts';
import { withMediaUploads } from './uploads.ts';
import { departmentLabel } from './posts.pages.ts';
import { postPage } from './post.view.ts';
import { fieldTexts, paramOf } from './shared.ts';

function postId(request: FastifyRequest): number {
  const id = paramOf(request, 'id');
  if (id === undefined) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  return id;
}

/** The post's page: texts, problems, checks, changes, pictures, deliveries, history and actions. */
export async function showPost(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  extra: { errors?: Record<string, string>; problems?: DestinationProblems; reviewUrl?: string; status?: number } = {},
): Promise<FastifyReply> {
  const post = await readPost(ctx, request.viewer, request.organisation, id);
  const [{ problems, campaign }, deliveries, changes, destinations, decisions, versions, step, departments] =
    await Promise.all([
      postProblems(ctx, ctx.db, request.organisation, post),
      findDeliveriesOfPost(ctx.db, request.organisation.id, post.id),
      findLatestChangesOfPost(ctx.db, request.organisation.id, post.id),
      findDestinations(ctx.db, request.organisation.id),
      findDecisions(ctx.db, post.id),
      findVersions(ctx.db, post.id, 2),
      currentStep(ctx, post),
      findDepartmentChoices(ctx.db, request.organisation.id),
    ]);
  return postPage(
    request,
    reply,
    {
      post,
      problems: extra.problems ?? problems,
      campaign,
      deliveries,
      changes,
      destinationNames: Object.fromEntries(destinations.map((d) => [d.id, d.name])),
      decisions,
      versions,
      step,
      departmentName: departmentLabel(departments, post.departmentId, request),
      reviewUrl: extra.reviewUrl,
      errors: extra.errors ?? {},
    },
    extra.status ?? 200,
  );
}

export async function registerPostActionPages(app: App, ctx: AppContext): Promise<void> {
  const back = (reply: FastifyReply, id: number) => reply.redirect(`/staff/publishing/posts/${id}`, 303);

  app.get('/staff/publishing/posts/:id', { schema: { hide: true } }, async (request, reply) =>
    showPost(ctx, request, reply, postId(request)),
  );

  app.post('/staff/publishing/posts/:id/submit', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const outcome = await submitPost(ctx, request.viewer, request.organisation, id);
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, {
        status: 422,
        problems: outcome.problems,
        errors: {
          problems: request.t(
            outcome.code === 'NO_DESTINATION' ? 'publishing.problem.NO_DESTINATION' : 'publishing.problem.blocking',
          ),
        },
      });
    setNotice(reply, 'publishing.notice.submitted');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/approve', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const outcome = await approvePost(ctx, request.viewer, request.organisation, id);
    setNotice(reply, outcome.scheduled ? 'publishing.notice.scheduled' : 'publishing.notice.approved');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/changes', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const form = readForm(CommentForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await requestChanges(ctx, request.viewer, request.organisation, id, form.value.comment);
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, { status: 400, errors: fieldTexts(request, outcome.fields) });
    setNotice(reply, 'publishing.notice.changesRequested');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/comment', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const form = readForm(CommentForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await commentOnPost(ctx, request.viewer, request.organisation, id, form.value.comment);
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, { status: 400, errors: fieldTexts(request, outcome.fields) });
    setNotice(reply, 'publishing.notice.commented');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/review-link', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const form = readForm(ReviewLinkForm, request.body);
    if (!form.ok)
      return showPost(ctx, request, reply, id, {
        status: 400,
        errors: fieldTexts(request, Object.fromEntries(form.errors.map((e) => [e.field, e.code]))),
      });
    const outcome = await createReviewLink(
      ctx,
      request.viewer,
      request.organisation,
      id,
      form.value.reviewerName,
      form.value.days,
    );
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, { status: 400, errors: fieldTexts(request, outcome.fields) });
    const reviewUrl = absoluteUrl(request.server, request.organisation, `/publishing/review/${outcome.token}`);
    return showPost(ctx, request, reply, id, { reviewUrl });
  });

  app.post('/staff/publishing/posts/:id/emergency', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const outcome = await startEmergency(ctx, request.viewer, request.organisation, id);
    if (!outcome.ok)
      return showPost(ctx, request, reply, id, {
        status: 422,
        problems: outcome.problems,
        errors: {
          problems: request.t(
            outcome.code === 'NO_DESTINATION' ? 'publishing.problem.NO_DESTINATION' : 'publishing.problem.blocking',
          ),
        },
      });
    setNotice(reply, 'publishing.notice.emergencyStarted');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/emergency/confirm', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    await confirmEmergency(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'publishing.notice.emergencyConfirmed');
    return back(reply, id);
  });

  app.post('/staff/publishing/posts/:id/reviewed', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    await markReviewed(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'publishing.notice.reviewed');
    return back(reply, id);
  });

  app.post(
    '/staff/publishing/posts/:id/deliveries/:deliveryId/retry',
    { schema: { hide: true } },
    async (request, reply) => {
      const id = postId(request);
      const deliveryId = paramOf(request, 'deliveryId');
      if (deliveryId === undefined) throw new AppError('PUBLISHING_DELIVERY_NOT_FOUND');
      const outcome = await retryDelivery(ctx, request.viewer, request.organisation, id, deliveryId);
      setNotice(
        reply,
        outcome === 'queued'
          ? 'publishing.notice.retryQueued'
          : outcome === 'still_unknown'
            ? 'publishing.notice.retryUnknown'
            : 'publishing.notice.retryFound',
      );
      return back(reply, id);
    },
  );

  app.post('/staff/publishing/posts/:id/media/:mediaId/delete', { schema: { hide: true } }, async (request, reply) => {
    const id = postId(request);
    const mediaId = paramOf(request, 'mediaId');
    if (mediaId === undefined) throw new AppError('PUBLISHING_MEDIA_INVALID');
    await removeMedia(ctx, request.viewer, request.organisation, id, mediaId);
    setNotice(reply, 'publishing.notice.mediaRemoved');
    return back(reply, id);
  });

  await withMediaUploads(app, (scope) => {
    scope.post('/staff/publishing/posts/:id/media', { schema: { hide: true } }, async (request, reply) => {
      const id = postId(request);
      const languages = request.organisation.languages;
      const form = readForm(altForm(languages), request.body);
      if (!form.ok) throw invalidForm(form.errors);
      const file = (request.body as Record<string, unknown>).file;
      const upload =
        file && typeof file === 'object' && 'data' in file && Buffer.isBuffer(file.data)
          ? (file as { data: Buffer; truncated: boolean })
          : undefined;
      const alt = translatedValue(form.value, 'alt', languages);
      const outcome = await addMedia(
        ctx,
        request.viewer,
        request.organisation,
        id,
        upload && upload.data.length > 0 ? upload : undefined,
        alt,
      );
      if (!outcome.ok)
        return showPost(ctx, request, reply, id, { status: 400, errors: fieldTexts(request, outcome.fields) });
      setNotice(reply, 'publishing.notice.mediaAdded');
      return back(reply, id);
    });
  });
}
