import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { zonedTime, wallClockAt } from '../../../platform/i18n/days.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findCampaigns } from '../campaigns.repository.ts';
import { findDestinations } from '../destinations.repository.ts';
import { adapterFor, refreshBuiltInDestinations } from '../destinations.use-cases.ts';
import { findDepartmentChoices, findPostSummaries, type Post } from '../posts.repository.ts';
import { loadPost, savePost, type PostInput } from '../posts.use-cases.ts';
import { postForm } from '../publishing.forms.ts';
import { authorizePublishing, mayWriteFor } from '../publishing.policy.ts';
import { findAllSteps, type ApprovalStep } from '../approval.repository.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import { approvesSomeStep, stepsAmong } from '../steps.ts';
import { editorPage, listPage, type EditorData, type EditorDestination, type EditorValues } from './posts.view.ts';
import { fieldTexts, paramOf } from './shared.ts';

/** Destinations posts can be sent to, with their adapter's limits (for the counters). */
export async function editorDestinations(ctx: AppContext, organisationId: number): Promise<EditorDestination[]> {
  await refreshBuiltInDestinations(ctx, organisationId);
  return (await findDestinations(ctx.db, organisationId)).flatMap((destination) => {
    const adapter = adapterFor(ctx, destination.kind);
    return destination.enabled && adapter
      ? [{ id: destination.id, name: destination.name, kind: destination.kind, limits: adapter.limits }]
      : [];
  });
}

export function valuesOf(post: Post, request: FastifyRequest): EditorValues {
  const scheduled = post.scheduledAt ? wallClockAt(post.scheduledAt, request.organisation.timeZone) : undefined;
  return {
    texts: Object.fromEntries(
      Object.entries(post.texts).map(([language, text]) => [language, { title: text.title ?? '', body: text.body }]),
    ),
    warning: post.contentWarning,
    departmentId: post.departmentId === null ? '' : String(post.departmentId),
    campaignId: post.campaignId === null ? '' : String(post.campaignId),
    destinationIds: post.destinationIds,
    variants: post.variants,
    schedule: post.scheduledAt ? 'at' : 'now',
    scheduledDay: scheduled ? `${scheduled.year}-${scheduled.month}-${scheduled.day}` : '',
    scheduledTime: scheduled ? `${scheduled.hour}:${scheduled.minute}` : '',
  };
}

export async function editorData(
  ctx: AppContext,
  request: FastifyRequest,
  id: number | undefined,
  values: EditorValues,
  errors: Record<string, string>,
): Promise<EditorData> {
  const [departments, campaigns, destinations] = await Promise.all([
    findDepartmentChoices(ctx.db, request.organisation.id),
    findCampaigns(ctx.db, request.organisation.id),
    editorDestinations(ctx, request.organisation.id),
  ]);
  return { id, values, errors, departments, campaigns, destinations };
}

/** Reads the editor's form into the use case's input and the values to show again. */
export function readPostForm(
  request: FastifyRequest,
  destinationIds: number[],
): { input: PostInput; values: EditorValues; errors: Record<string, string> } {
  const languages = request.organisation.languages;
  const form = readForm(postForm(languages, destinationIds), request.body);
  if (!form.ok) throw invalidForm(form.errors);
  const value = form.value as Record<string, unknown>;
  const text = (name: string) => (typeof value[name] === 'string' ? value[name] : '');
  const chosen = ((value.destinationIds as number[] | undefined) ?? []).filter(
    (id, index, all) => all.indexOf(id) === index,
  );
  const texts = Object.fromEntries(
    languages.map((language) => [language, { title: text(`title_${language}`), body: text(`body_${language}`) }]),
  );
  const variants: Record<number, Record<string, string>> = {};
  for (const id of destinationIds)
    for (const language of languages) {
      const body = text(`variant_${id}_${language}`);
      if (body) (variants[id] ??= {})[language] = body;
    }
  const schedule = value.schedule === 'at' ? 'at' : 'now';
  const errors: Record<string, string> = {};
  let scheduledAt: Date | null = null;
  if (schedule === 'at') {
    const day = text('scheduledDay');
    if (!day) errors.scheduledDay = 'required';
    else scheduledAt = zonedTime(day, text('scheduledTime') || '09:00', request.organisation.timeZone);
  }
  const values: EditorValues = {
    texts,
    warning: translatedValue(value, 'warning', languages),
    departmentId: typeof value.departmentId === 'number' ? String(value.departmentId) : '',
    campaignId: typeof value.campaignId === 'number' ? String(value.campaignId) : '',
    destinationIds: chosen,
    variants,
    schedule,
    scheduledDay: text('scheduledDay'),
    scheduledTime: text('scheduledTime'),
  };
  const input: PostInput = {
    texts: Object.fromEntries(
      Object.entries(texts).map(([language, t]) => [language, { title: t.title || null, body: t.body }]),
    ),
    contentWarning: values.warning,
    departmentId: (value.departmentId as number | undefined) ?? null,
    campaignId: (value.campaignId as number | undefined) ?? null,
    destinationIds: chosen,
    variants,
    scheduledAt,
  };
  return { input, values, errors };
}

async function handleSave(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
): Promise<FastifyReply> {
  authorizePublishing(request.viewer, 'write');
  const destinations = await editorDestinations(ctx, request.organisation.id);
  const { input, values, errors } = readPostForm(
    request,
    destinations.map((d) => d.id),
  );
  if (id !== undefined) await loadPost(ctx, request.viewer, request.organisation, id);
  const outcome = Object.keys(errors).length
    ? ({ ok: false, code: 'VALIDATION_FAILED', fields: errors } as const)
    : await savePost(ctx, request.viewer, request.organisation, id, input);
  if (!outcome.ok)
    return editorPage(
      request,
      reply,
      await editorData(ctx, request, id, values, fieldTexts(request, outcome.fields)),
      400,
    );
  setNotice(reply, 'publishing.notice.saved');
  return reply.redirect(`/staff/publishing/posts/${outcome.id}`, 303);
}

export function registerPostPages(app: App, ctx: AppContext): void {
  app.get('/staff/publishing', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'write');
    const viewer = request.viewer;
    const [posts, departments, steps] = await Promise.all([
      findPostSummaries(ctx.db, request.organisation.id, request.lang, undefined),
      findDepartmentChoices(ctx.db, request.organisation.id),
      findAllSteps(ctx.db, request.organisation.id),
    ]);
    const readable = readableDepartments(viewer, departments, steps);
    return listPage(
      request,
      reply,
      posts.filter((post) => readable.has(post.departmentId)),
      departments,
    );
  });

  app.get('/staff/publishing/posts/new', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'write');
    const viewer = request.viewer;
    const empty: EditorValues = {
      texts: {},
      warning: {},
      departmentId: viewer.role !== 'admin' && viewer.departmentIds[0] ? String(viewer.departmentIds[0]) : '',
      campaignId: '',
      destinationIds: [],
      variants: {},
      schedule: 'now',
      scheduledDay: '',
      scheduledTime: '',
    };
    return editorPage(request, reply, await editorData(ctx, request, undefined, empty, {}));
  });
  app.post('/staff/publishing/posts/new', { schema: { hide: true } }, (request, reply) =>
    handleSave(ctx, request, reply, undefined),
  );

  app.get('/staff/publishing/posts/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const id = paramOf(request, 'id');
    if (id === undefined) throw new AppError('PUBLISHING_POST_NOT_FOUND');
    const post = await loadPost(ctx, request.viewer, request.organisation, id);
    return editorPage(request, reply, await editorData(ctx, request, id, valuesOf(post, request), {}));
  });
  app.post('/staff/publishing/posts/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const id = paramOf(request, 'id');
    if (id === undefined) throw new AppError('PUBLISHING_POST_NOT_FOUND');
    return handleSave(ctx, request, reply, id);
  });
}

/** The departments whose posts the viewer reads: those they write for, and those whose steps they approve (null: none). */
export function readableDepartments(
  viewer: Viewer,
  departments: Array<{ id: number }>,
  steps: ApprovalStep[],
): Set<number | null> {
  return new Set(
    [null, ...departments.map((d) => d.id)].filter(
      (id) => mayWriteFor(viewer, id) || approvesSomeStep(viewer, stepsAmong(steps, id)),
    ),
  );
}

export function departmentLabel(
  departments: Array<{ id: number; name: Record<string, string> }>,
  id: number | null,
  request: FastifyRequest,
): string {
  const department = departments.find((d) => d.id === id);
  return department
    ? localized(department.name, request.lang, request.organisation.defaultLanguage)
    : request.t('publishing.field.noDepartment');
}
