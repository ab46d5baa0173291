// The posts over the JSON API: published posts for anyone, and a draft written by staff (a session, or
// an API key with the `publishing.write` scope acting for the administrator who issued it).

import type { ApiKeyScope } from '../../platform/auth/api-keys.ts';
import { findViewer, type Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, sparseFields } from '../../platform/http/api.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findApiKeyIssuer, findPublicPosts, type PublicPost } from './posts-api.repository.ts';
import { savePost, type SaveOutcome } from './posts.use-cases.ts';

/** The fields of a post in the API, in their order; `fields=` chooses among them. */
export const POST_FIELDS = [
  'id',
  'kind',
  'languages',
  'title',
  'summary',
  'body',
  'content_warning',
  'department',
  'campaign',
  'published_at',
  'corrected_at',
  'path',
] as const;
export type PostField = (typeof POST_FIELDS)[number];

export type PostsPageOutcome =
  | { ok: true; posts: PublicPost[]; fields: readonly PostField[]; next: string | null }
  | {
      ok: false;
      code: 'PUBLISHING_CURSOR_INVALID' | 'PUBLISHING_FIELD_UNKNOWN';
      details?: Record<string, unknown>;
    };

function chosenFields(
  fields: string | undefined,
): { ok: true; names: readonly PostField[] } | { ok: false; unknown: string[] } {
  const chosen = sparseFields(fields, POST_FIELDS);
  return chosen.ok ? { ok: true, names: chosen.names as readonly PostField[] } : chosen;
}

/**
 * A page of the city's published posts in id order (a post published meanwhile comes last, never
 * twice); everything here is public, so there is no policy: drafts, reviewers and authors are never read.
 */
export async function listPublicPosts(
  ctx: AppContext,
  organisation: Organisation,
  query: { cursor?: string | undefined; limit: number; fields?: string | undefined },
): Promise<PostsPageOutcome> {
  const chosen = chosenFields(query.fields);
  if (!chosen.ok) return { ok: false, code: 'PUBLISHING_FIELD_UNKNOWN', details: { fields: chosen.unknown } };
  let afterId = 0;
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor);
    const after = position?.after;
    if (position?.list !== 'posts' || typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
      return { ok: false, code: 'PUBLISHING_CURSOR_INVALID' };
    afterId = after;
  }
  const rows = await findPublicPosts(ctx.db, organisation.id, { afterId, limit: query.limit + 1 });
  const posts = rows.slice(0, query.limit);
  const last = posts.at(-1);
  const next = rows.length > query.limit && last ? encodeCursor({ list: 'posts', after: last.id }) : null;
  return { ok: true, posts, fields: chosen.names, next };
}

/** One published post; PUBLISHING_POST_NOT_FOUND for a draft, a withdrawn post or another city's. */
export async function getPublicPost(
  ctx: AppContext,
  organisation: Organisation,
  id: number,
  fields: string | undefined,
): Promise<{ post: PublicPost; fields: readonly PostField[] }> {
  const chosen = chosenFields(fields);
  if (!chosen.ok) throw new AppError('PUBLISHING_FIELD_UNKNOWN', undefined, { fields: chosen.unknown });
  const [post] = await findPublicPosts(ctx.db, organisation.id, { id });
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  return { post, fields: chosen.names };
}

/**
 * The member of staff a request acts for: the signed-in viewer, or for an API key the administrator who
 * issued it (within the key's scope; the audit log names both). A key without the scope, or whose issuer
 * is gone, may not act.
 */
export async function staffActor(
  ctx: AppContext,
  organisation: Organisation,
  viewer: Viewer | null,
  apiClient: { id: number; name: string; scopes: readonly ApiKeyScope[] } | null,
  scope: ApiKeyScope,
): Promise<Viewer> {
  if (viewer) return viewer;
  if (!apiClient) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!apiClient.scopes.includes(scope))
    throw new AppError('API_KEY_SCOPE', `This API key may not do this: it needs the scope “${scope}”.`);
  const issuerId = await findApiKeyIssuer(ctx.db, organisation.id, apiClient.id);
  const issuer = issuerId === null ? undefined : await findViewer(ctx.db, organisation.id, issuerId);
  if (!issuer)
    throw new AppError('FORBIDDEN', 'This API key has no one to act for: the person who issued it no longer exists.');
  return { ...issuer, displayName: `${issuer.displayName} (API key “${apiClient.name}”)` };
}

export interface DraftInput {
  texts: Record<string, { title?: string | undefined; body: string }>;
  contentWarning?: Record<string, string> | undefined;
  departmentId?: number | null | undefined;
  campaignId?: number | null | undefined;
  scheduledAt?: string | null | undefined;
}

/**
 * Writes a draft post through the same use case as the editor's form (the same checks, version, audit):
 * it goes to no channel until staff choose its destinations and send it for approval.
 */
export async function createDraft(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: DraftInput,
): Promise<SaveOutcome> {
  return savePost(ctx, viewer, organisation, undefined, {
    texts: Object.fromEntries(
      Object.entries(input.texts).map(([language, text]) => [language, { title: text.title ?? null, body: text.body }]),
    ),
    contentWarning: input.contentWarning ?? {},
    departmentId: input.departmentId ?? null,
    campaignId: input.campaignId ?? null,
    destinationIds: [],
    variants: {},
    scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
  });
}
