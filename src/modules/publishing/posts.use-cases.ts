import { randomBytes } from 'node:crypto';
import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { ChannelProblem } from '../../platform/publishing.ts';
import { preparePhoto } from '../reports/index.ts';
import { findCampaign, type Campaign } from './campaigns.repository.ts';
import { problemsFor } from './channel-post.ts';
import { findDestinations } from './destinations.repository.ts';
import { adapterFor } from './destinations.use-cases.ts';
import { deleteMedia, insertMedia, updateMediaAlt } from './media.repository.ts';
import {
  departmentExists,
  findPost,
  insertDecision,
  insertPost,
  insertVersion,
  movePost,
  replacePostContent,
  updateEditablePost,
  type Post,
  type PostText,
} from './posts.repository.ts';
import type { PostState } from './publishing.schema.ts';
import { authorizePost, authorizePublishing, mayWriteFor } from './publishing.policy.ts';
import { approvesSomeStep, stepsFor } from './steps.ts';

/** States in which the editor may change a post; a change sends it back to draft (approval starts again). */
export const EDITABLE_STATES: readonly PostState[] = [
  'draft',
  'in_review',
  'changes_requested',
  'approved',
  'scheduled',
];

export const MAX_TITLE = 200;
export const MAX_BODY = 100_000;
export const MAX_WARNING = 500;
export const MAX_MEDIA = 4;

export interface PostInput {
  texts: Record<string, PostText>;
  contentWarning: Translated;
  departmentId: number | null;
  campaignId: number | null;
  destinationIds: number[];
  variants: Record<number, Record<string, string>>;
  /** null: as soon as approved. */
  scheduledAt: Date | null;
  crisis?: boolean;
  pinnedUntil?: Date | null;
}

export type SaveOutcome =
  { ok: true; id: number } | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, string> };

/** The post for someone who may write it (its department's staff): editing, sending, pictures, links. */
export async function loadPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<Post> {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  authorizePost(viewer, post);
  return post;
}

/** The post for reading and commenting: those who may write it, and the approvers of its steps. */
export async function readPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<Post> {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  // the communication office reviews every department's posts
  if (
    !mayWriteFor(viewer, post.departmentId) &&
    !approvesSomeStep(viewer, await stepsFor(ctx.db, organisation.id, post.departmentId))
  )
    throw new AppError('FORBIDDEN');
  return post;
}

export async function checkInput(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  input: PostInput,
): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  const languages = new Set(organisation.languages);
  let anyBody = false;
  for (const [language, text] of Object.entries(input.texts)) {
    if (!languages.has(language)) fields[`body_${language}`] = 'invalid';
    if ((text.title ?? '').length > MAX_TITLE) fields[`title_${language}`] = 'too-long';
    if (text.body.length > MAX_BODY) fields[`body_${language}`] = 'too-long';
    if (text.body.trim() !== '') anyBody = true;
  }
  if (!anyBody) fields[`body_${organisation.defaultLanguage}`] = 'required';
  for (const [language, warning] of Object.entries(input.contentWarning))
    if (warning.length > MAX_WARNING) fields[`warning_${language}`] = 'too-long';
  if (input.departmentId !== null) {
    if (!(await departmentExists(ctx.db, organisation.id, input.departmentId))) fields.departmentId = 'invalid';
  }
  if (!mayWriteFor(viewer, input.departmentId)) fields.departmentId = 'forbidden';
  if (input.campaignId !== null && !(await findCampaign(ctx.db, organisation.id, input.campaignId)))
    fields.campaignId = 'invalid';
  const destinations = new Set(
    (await findDestinations(ctx.db, organisation.id)).filter((d) => d.enabled).map((d) => d.id),
  );
  if (input.destinationIds.some((id) => !destinations.has(id))) fields.destinationIds = 'invalid';
  for (const [destinationId, byLanguage] of Object.entries(input.variants))
    for (const [language, body] of Object.entries(byLanguage)) {
      if (body.length > MAX_BODY) fields[`variant_${destinationId}_${language}`] = 'too-long';
      if (!languages.has(language)) fields[`variant_${destinationId}_${language}`] = 'invalid';
    }
  return fields;
}

/** Keeps only texts with something in them and variants of chosen destinations that differ from nothing. */
export function cleanInput(input: PostInput): PostInput {
  const texts = Object.fromEntries(
    Object.entries(input.texts)
      .map(([language, text]) => [language, { title: text.title?.trim() || null, body: text.body.trim() }] as const)
      .filter(([, text]) => text.body !== '' || text.title !== null),
  );
  const chosen = new Set(input.destinationIds);
  const variants: Record<number, Record<string, string>> = {};
  for (const [destinationId, byLanguage] of Object.entries(input.variants)) {
    if (!chosen.has(Number(destinationId))) continue;
    for (const [language, body] of Object.entries(byLanguage))
      if (body.trim() !== '') (variants[Number(destinationId)] ??= {})[language] = body.trim();
  }
  const contentWarning = Object.fromEntries(
    Object.entries(input.contentWarning)
      .map(([language, warning]) => [language, warning.trim()] as const)
      .filter(([, warning]) => warning !== ''),
  );
  return { ...input, texts, variants, contentWarning, destinationIds: [...chosen] };
}

/** Creates a post (id undefined) or stores a new version of it; a change sends it back to draft. */
export async function savePost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number | undefined,
  raw: PostInput,
): Promise<SaveOutcome> {
  authorizePublishing(viewer, 'write');
  const existing = id === undefined ? undefined : await loadPost(ctx, viewer, organisation, id);
  if (existing && !EDITABLE_STATES.includes(existing.state)) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  const input = cleanInput(raw);
  const fields = await checkInput(ctx, viewer, organisation, input);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const values = {
    departmentId: input.departmentId,
    campaignId: input.campaignId,
    kind: input.crisis ? ('alert' as const) : ('post' as const),
    contentWarning: input.contentWarning,
    scheduledAt: input.scheduledAt,
    crisis: input.crisis ?? existing?.crisis ?? false,
    pinnedUntil: input.pinnedUntil ?? existing?.pinnedUntil ?? null,
  };
  return ctx.db.transaction().execute(async (tx) => {
    let postId: number;
    let version: number;
    if (!existing) {
      postId = await insertPost(
        tx,
        organisation.id,
        viewer.id,
        `p-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
        values,
      );
      version = 1;
    } else {
      const stored = await updateEditablePost(tx, organisation.id, existing.id, values, EDITABLE_STATES);
      if (stored === undefined) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
      postId = existing.id;
      version = stored;
      if (existing.state !== 'draft' && existing.state !== 'changes_requested')
        await movePost(tx, organisation.id, postId, EDITABLE_STATES, 'draft', { approvalPosition: 0 });
    }
    await replacePostContent(tx, organisation.id, postId, input.texts, input.destinationIds, input.variants);
    await insertVersion(tx, organisation.id, postId, version, input.texts, viewer.id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: existing ? 'publishing.post.edit' : 'publishing.post.create',
      subjectType: 'publishing_post',
      subjectId: postId,
      ...(existing ? { before: { version: existing.version, state: existing.state } } : {}),
      after: { version, destinations: input.destinationIds, scheduledAt: input.scheduledAt },
    });
    return { ok: true as const, id: postId };
  });
}

export type DestinationProblems = Array<{
  destinationId: number;
  name: string;
  kind: string;
  problems: Array<ChannelProblem & { language: string }>;
}>;

/** Every problem of the post on each chosen destination (the limits the server enforces). */
export async function postProblems(
  ctx: AppContext,
  db: Executor,
  organisation: Organisation,
  post: Post,
): Promise<{ problems: DestinationProblems; campaign: Campaign | undefined }> {
  const campaign = post.campaignId === null ? undefined : await findCampaign(db, organisation.id, post.campaignId);
  const destinations = (await findDestinations(db, organisation.id)).filter((d) => post.destinationIds.includes(d.id));
  const problems: DestinationProblems = [];
  for (const destination of destinations) {
    const adapter = adapterFor(ctx, destination.kind);
    if (!adapter) continue;
    const found = problemsFor(post, destination, adapter, campaign, organisation, ctx);
    if (found.length > 0)
      problems.push({ destinationId: destination.id, name: destination.name, kind: destination.kind, problems: found });
  }
  return { problems, campaign };
}

export type SubmitOutcome =
  { ok: true } | { ok: false; code: 'PUBLISHING_POST_HAS_PROBLEMS' | 'NO_DESTINATION'; problems: DestinationProblems };

/** Sends a draft for approval, once it fits every destination. */
export async function submitPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<SubmitOutcome> {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, id);
  authorizePost(viewer, post);
  if (post.state !== 'draft' && post.state !== 'changes_requested') throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  if (post.destinationIds.length === 0) return { ok: false, code: 'NO_DESTINATION', problems: [] };
  const { problems } = await postProblems(ctx, ctx.db, organisation, post);
  if (problems.length > 0) return { ok: false, code: 'PUBLISHING_POST_HAS_PROBLEMS', problems };
  await ctx.db.transaction().execute(async (tx) => {
    const moved = await movePost(tx, organisation.id, post.id, ['draft', 'changes_requested'], 'in_review', {
      approvalPosition: 0,
      version: post.version,
    });
    if (!moved) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: null,
      userId: viewer.id,
      decision: 'submitted',
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.post.submit',
      subjectType: 'publishing_post',
      subjectId: post.id,
      after: { version: post.version },
    });
  });
  return { ok: true };
}

export type MediaOutcome = { ok: true } | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, string> };

/** Adds a picture (checked and cleaned as reports' photos are) with its alternative text in each language. */
export async function addMedia(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  upload: { data: Uint8Array; truncated: boolean } | undefined,
  alt: Translated,
): Promise<MediaOutcome> {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, postId);
  if (!EDITABLE_STATES.includes(post.state)) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  const fields: Record<string, string> = {};
  if (post.media.length >= MAX_MEDIA) fields.file = 'too-many';
  const checked = upload ? preparePhoto(upload.data, upload.truncated) : undefined;
  if (!checked) fields.file = 'required';
  else if (!('ok' in checked)) fields.file = checked.error;
  const missing = organisation.languages.filter((language) => post.texts[language] && !(alt[language] ?? '').trim());
  for (const language of missing) fields[`alt_${language}`] = 'required';
  if (Object.values(alt).some((text) => text.length > 1000)) fields.alt = 'too-long';
  if (Object.keys(fields).length > 0 || !checked || !('ok' in checked))
    return { ok: false, code: 'VALIDATION_FAILED', fields };
  await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMedia(tx, {
      organisationId: organisation.id,
      postId,
      contentType: checked.type,
      data: checked.data,
      alt,
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.media.add',
      subjectType: 'publishing_post',
      subjectId: postId,
      after: { mediaId: id, bytes: checked.data.length },
    });
  });
  return { ok: true };
}

export async function changeMediaAlt(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  mediaId: number,
  alt: Translated,
): Promise<void> {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, postId);
  if (!EDITABLE_STATES.includes(post.state)) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  if (!(await updateMediaAlt(ctx.db, organisation.id, postId, mediaId, alt)))
    throw new AppError('PUBLISHING_MEDIA_INVALID');
}

export async function removeMedia(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  mediaId: number,
) {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, postId);
  if (!EDITABLE_STATES.includes(post.state)) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  if (!(await deleteMedia(ctx.db, organisation.id, postId, mediaId))) throw new AppError('PUBLISHING_MEDIA_INVALID');
}
