import { Type, type Static } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  apiErrors,
  CursorQuery,
  FieldsQuery,
  LangQuery,
  nextLink,
  PUBLIC,
  SESSION_OR_KEY,
} from '../../platform/http/api.ts';
import type { App } from '../../platform/http/app.ts';
import { localized } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { newsPath } from './news.ts';
import type { PublicPost } from './posts-api.repository.ts';
import { createDraft, getPublicPost, listPublicPosts, staffActor, type PostField } from './posts-api.use-cases.ts';
import { MAX_BODY, MAX_TITLE, MAX_WARNING } from './posts.use-cases.ts';

const Translated = Type.Union([
  Type.Record(Type.String(), Type.String(), { description: 'One text per language the post is written in' }),
  Type.String({ description: 'With `lang=`: the text in that language, else in the city’s default language' }),
]);
const MaybeTranslated = Type.Union([Translated, Type.Null()]);

const PostJson = Type.Object(
  {
    id: Type.Optional(Type.Integer()),
    kind: Type.Optional(Type.String({ description: 'post, article, or alert (a crisis broadcast)' })),
    languages: Type.Optional(Type.Array(Type.String(), { description: 'The languages the post is written in' })),
    title: Type.Optional(MaybeTranslated),
    summary: Type.Optional(MaybeTranslated),
    body: Type.Optional(Translated),
    content_warning: Type.Optional(MaybeTranslated),
    department: Type.Optional(
      Type.Union([Type.Object({ id: Type.Integer(), slug: Type.String(), name: Translated }), Type.Null()]),
    ),
    campaign: Type.Optional(
      Type.Union([
        Type.Object({
          id: Type.Integer(),
          slug: Type.String(),
          name: Translated,
          hashtags: Type.Array(Type.String()),
        }),
        Type.Null(),
      ]),
    ),
    published_at: Type.Optional(Type.String({ format: 'date-time' })),
    corrected_at: Type.Optional(
      Type.Union([Type.String({ format: 'date-time', description: 'Its last correction' }), Type.Null()]),
    ),
    path: Type.Optional(
      Type.Union([
        Type.String({ description: 'Its page on the city’s news pages (relative to the site)' }),
        Type.Null(),
      ]),
    ),
  },
  { description: 'A published post: every field unless `fields=` chose some' },
);

const PostsPage = Type.Object({
  posts: Type.Array(PostJson),
  next: Type.Union([Type.String({ description: 'The address of the next page' }), Type.Null()]),
});

const PostId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

const NewDraft = Type.Object(
  {
    texts: Type.Record(
      Type.String({ pattern: '^[a-z]{2}$' }),
      Type.Object(
        {
          title: Type.Optional(Type.String({ maxLength: MAX_TITLE })),
          body: Type.String({ maxLength: MAX_BODY }),
        },
        { additionalProperties: false },
      ),
      { description: 'The master text per city language; at least one body' },
    ),
    contentWarning: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z]{2}$' }), Type.String({ maxLength: MAX_WARNING })),
    ),
    departmentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    campaignId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    scheduledAt: Type.Optional(
      Type.Union([Type.String({ format: 'date-time', description: 'When to publish once approved' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);

const CreatedDraft = Type.Object({
  id: Type.Integer(),
  state: Type.String({ description: 'draft' }),
  page: Type.String({ description: 'The post in the staff editor, to choose its channels and send it for approval' }),
});

/** A translated text as the API gives it: every language, or with `lang=` the one asked for. */
function translated(texts: Record<string, string>, lang: string | undefined, organisation: Organisation) {
  if (!lang) return texts;
  return localized(texts, lang, organisation.defaultLanguage);
}

function present(
  post: PublicPost,
  fields: readonly PostField[],
  lang: string | undefined,
  organisation: Organisation,
): Static<typeof PostJson> {
  const byLanguage = (pick: (text: PublicPost['texts'][number]) => string | null) =>
    Object.fromEntries(
      post.texts.flatMap((text) => {
        const value = pick(text);
        return value === null || value === '' ? [] : [[text.language, value] as const];
      }),
    );
  const maybe = (texts: Record<string, string>) =>
    Object.keys(texts).length === 0 ? null : translated(texts, lang, organisation);
  const values: { [field in PostField]: () => Static<typeof PostJson>[field] } = {
    id: () => post.id,
    kind: () => post.kind,
    languages: () => post.texts.map((text) => text.language),
    title: () => maybe(byLanguage((text) => text.title)),
    summary: () => maybe(byLanguage((text) => text.summary)),
    body: () =>
      translated(
        byLanguage((text) => text.body),
        lang,
        organisation,
      ),
    content_warning: () => maybe(post.contentWarning),
    department: () =>
      post.department && { ...post.department, name: translated(post.department.name, lang, organisation) },
    campaign: () => post.campaign && { ...post.campaign, name: translated(post.campaign.name, lang, organisation) },
    published_at: () => post.publishedAt.toISOString(),
    corrected_at: () => post.correctedAt?.toISOString() ?? null,
    path: () => (post.onNewsPages ? newsPath(post.slug) : null),
  };
  return Object.fromEntries(fields.map((field) => [field, values[field]()]));
}

/** The posts API (docs/API.md): published posts for anyone, drafts written by staff or a scoped API key. */
export function registerPublishingApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/posts',
    {
      schema: {
        operationId: 'listPosts',
        tags: ['publishing'],
        summary: 'The city’s published posts, in id order, a page at a time',
        description:
          'Only published posts that were not withdrawn: never drafts, reviewers or authors. Follow `next` (also in ' +
          'the Link header) until it is null; its cursor is opaque (a cursor this list did not give answers ' +
          'PUBLISHING_CURSOR_INVALID). `fields=` keeps only some fields (an unknown name answers ' +
          'PUBLISHING_FIELD_UNKNOWN); `lang=` gives each text in that language (else the city’s default language) ' +
          'instead of an object with one text per language.',
        security: PUBLIC,
        querystring: Type.Object(
          {
            cursor: CursorQuery,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            fields: FieldsQuery,
            lang: LangQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: PostsPage, ...apiErrors(400) },
      },
    },
    async (request, reply) => {
      const { cursor, limit = 50, fields, lang } = request.query;
      const outcome = await listPublicPosts(ctx, request.organisation, { cursor, limit, fields });
      if (!outcome.ok) throw new AppError(outcome.code, undefined, outcome.details);
      reply.header('access-control-allow-origin', '*');
      return {
        posts: outcome.posts.map((post) => present(post, outcome.fields, lang, request.organisation)),
        next: nextLink(request, reply, outcome.next),
      };
    },
  );

  app.get(
    '/api/v1/posts/:id',
    {
      schema: {
        operationId: 'getPost',
        tags: ['publishing'],
        summary: 'One published post',
        description:
          'PUBLISHING_POST_NOT_FOUND for a post that is not published (a draft, one waiting for approval), was ' +
          'withdrawn, or belongs to another city. `fields=` and `lang=` as in the list.',
        security: PUBLIC,
        params: PostId,
        querystring: Type.Object({ fields: FieldsQuery, lang: LangQuery }, { additionalProperties: false }),
        response: { 200: PostJson, ...apiErrors(400, 404) },
      },
    },
    async (request, reply) => {
      const { post, fields } = await getPublicPost(ctx, request.organisation, request.params.id, request.query.fields);
      reply.header('access-control-allow-origin', '*');
      return present(post, fields, request.query.lang, request.organisation);
    },
  );

  app.post(
    '/api/v1/posts',
    {
      schema: {
        operationId: 'createDraftPost',
        tags: ['publishing'],
        summary: 'Write a draft post',
        description:
          'For staff: a signed-in session (with X-CSRF-Token) or an API key with the scope `publishing.write`, which ' +
          'acts for the administrator who issued it. The draft goes to no channel: staff choose its channels and send ' +
          'it for approval in the editor (`page`). The same checks as the editor: PUBLISHING_POST_INVALID names ' +
          'each refused field in `details.problems` (a language the city does not use, no body, a department the ' +
          'writer may not write for, an unknown campaign); API_KEY_SCOPE for a key without the scope.',
        security: SESSION_OR_KEY,
        body: NewDraft,
        response: { 201: CreatedDraft, ...apiErrors(400, 403) },
      },
    },
    async (request, reply) => {
      const actor = await staffActor(ctx, request.organisation, request.viewer, request.apiClient, 'publishing.write');
      const outcome = await createDraft(ctx, actor, request.organisation, request.body);
      if (!outcome.ok) throw new AppError('PUBLISHING_POST_INVALID', undefined, { problems: outcome.fields });
      return reply.status(201).send({
        id: outcome.id,
        state: 'draft',
        page: absoluteUrl(request.server, request.organisation, `/staff/publishing/posts/${outcome.id}`),
      });
    },
  );
}
