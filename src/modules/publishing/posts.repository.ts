import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { DecisionKind, PostKind, PostState } from './publishing.schema.ts';
import './publishing.schema.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface PostText {
  title: string | null;
  body: string;
}

export interface PostMedia {
  id: number;
  position: number;
  contentType: string;
  width: number | null;
  height: number | null;
  bytes: number;
  alt: Translated;
}

export interface Post {
  id: number;
  organisationId: number;
  departmentId: number | null;
  campaignId: number | null;
  authorId: number | null;
  kind: PostKind;
  state: PostState;
  slug: string;
  contentWarning: Translated;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  crisis: boolean;
  pinnedUntil: Date | null;
  version: number;
  approvalPosition: number;
  emergencyStartedBy: number | null;
  emergencyStartedAt: Date | null;
  reviewAfterwards: boolean;
  updatedAt: Date;
  /** The last correction after publication, and the withdrawal (when and why). */
  correctedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
  texts: Record<string, PostText>;
  destinationIds: number[];
  /** Variants by destination id, then language. */
  variants: Record<number, Record<string, string>>;
  media: PostMedia[];
}

/** What the editor stores. */
export interface PostValues {
  departmentId: number | null;
  campaignId: number | null;
  kind: PostKind;
  contentWarning: Translated;
  scheduledAt: Date | null;
  crisis: boolean;
  pinnedUntil: Date | null;
}

function postColumns(values: PostValues) {
  return {
    department_id: values.departmentId,
    campaign_id: values.campaignId,
    kind: values.kind,
    content_warning: JSON.stringify(values.contentWarning),
    scheduled_at: values.scheduledAt,
    crisis: values.crisis,
    pinned_until: values.pinnedUntil,
  };
}

export async function insertPost(
  db: Executor,
  organisationId: number,
  authorId: number,
  slug: string,
  values: PostValues,
): Promise<number> {
  const row = await db
    .insertInto('publishing_post')
    .values({ organisation_id: organisationId, author_id: authorId, slug, state: 'draft', ...postColumns(values) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Stores a new version of an editable post; answers false when it left the editable states meanwhile. */
export async function updateEditablePost(
  db: Executor,
  organisationId: number,
  id: number,
  values: PostValues,
  editable: readonly PostState[],
): Promise<number | undefined> {
  const row = await db
    .updateTable('publishing_post')
    .set({ ...postColumns(values), version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', editable)
    .returning('version')
    .executeTakeFirst();
  return row?.version;
}

export async function replacePostContent(
  db: Executor,
  organisationId: number,
  postId: number,
  texts: Record<string, PostText>,
  destinationIds: number[],
  variants: Record<number, Record<string, string>>,
): Promise<void> {
  await db.deleteFrom('publishing_post_text').where('post_id', '=', postId).execute();
  await db.deleteFrom('publishing_variant').where('post_id', '=', postId).execute();
  await db.deleteFrom('publishing_post_destination').where('post_id', '=', postId).execute();
  const textRows = Object.entries(texts).map(([language, text]) => ({
    organisation_id: organisationId,
    post_id: postId,
    language,
    title: text.title,
    body: text.body,
  }));
  if (textRows.length > 0) await db.insertInto('publishing_post_text').values(textRows).execute();
  if (destinationIds.length > 0)
    await db
      .insertInto('publishing_post_destination')
      .values(destinationIds.map((id) => ({ organisation_id: organisationId, post_id: postId, destination_id: id })))
      .execute();
  const variantRows = Object.entries(variants).flatMap(([destinationId, byLanguage]) =>
    Object.entries(byLanguage).map(([language, body]) => ({
      organisation_id: organisationId,
      post_id: postId,
      destination_id: Number(destinationId),
      language,
      body,
    })),
  );
  if (variantRows.length > 0) await db.insertInto('publishing_variant').values(variantRows).execute();
}

export async function insertVersion(
  db: Executor,
  organisationId: number,
  postId: number,
  version: number,
  texts: Record<string, PostText>,
  authorId: number | null,
): Promise<void> {
  await db
    .insertInto('publishing_post_version')
    .values({
      organisation_id: organisationId,
      post_id: postId,
      version,
      texts: JSON.stringify(texts),
      author_id: authorId,
    })
    .onConflict((oc) => oc.columns(['post_id', 'version']).doNothing())
    .execute();
}

/** The texts of the post's versions, newest first. */
export async function findVersions(
  db: Executor,
  postId: number,
  limit = 10,
): Promise<Array<{ version: number; texts: Record<string, PostText>; createdAt: Date }>> {
  const rows = await db
    .selectFrom('publishing_post_version')
    .select(['version', 'texts', 'created_at'])
    .where('post_id', '=', postId)
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ version: row.version, texts: json(row.texts), createdAt: row.created_at }));
}

export async function findPost(db: Executor, organisationId: number, id: number): Promise<Post | undefined> {
  const row = await db
    .selectFrom('publishing_post')
    .selectAll()
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [texts, destinations, variants, media] = await Promise.all([
    db.selectFrom('publishing_post_text').selectAll().where('post_id', '=', id).orderBy('language').execute(),
    db.selectFrom('publishing_post_destination').select('destination_id').where('post_id', '=', id).execute(),
    db.selectFrom('publishing_variant').selectAll().where('post_id', '=', id).execute(),
    db
      .selectFrom('publishing_media')
      .select(['id', 'position', 'content_type', 'width', 'height', 'bytes', 'alt'])
      .where('post_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
  ]);
  const byDestination: Record<number, Record<string, string>> = {};
  for (const variant of variants) (byDestination[variant.destination_id] ??= {})[variant.language] = variant.body;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    departmentId: row.department_id,
    campaignId: row.campaign_id,
    authorId: row.author_id,
    kind: row.kind,
    state: row.state,
    slug: row.slug,
    contentWarning: json(row.content_warning),
    scheduledAt: row.scheduled_at,
    publishedAt: row.published_at,
    crisis: row.crisis,
    pinnedUntil: row.pinned_until,
    version: row.version,
    approvalPosition: row.approval_position,
    emergencyStartedBy: row.emergency_started_by,
    emergencyStartedAt: row.emergency_started_at,
    reviewAfterwards: row.review_afterwards,
    updatedAt: row.updated_at,
    correctedAt: row.corrected_at,
    withdrawnAt: row.withdrawn_at,
    withdrawnReason: row.withdrawn_reason,
    texts: Object.fromEntries(texts.map((text) => [text.language, { title: text.title, body: text.body }])),
    destinationIds: destinations.map((destination) => destination.destination_id),
    variants: byDestination,
    media: media.map((item) => ({
      id: item.id,
      position: item.position,
      contentType: item.content_type,
      width: item.width,
      height: item.height,
      bytes: item.bytes,
      alt: json(item.alt),
    })),
  };
}

export interface PostSummary {
  id: number;
  state: PostState;
  departmentId: number | null;
  campaignId: number | null;
  crisis: boolean;
  title: string;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  reviewAfterwards: boolean;
  failedDeliveries: number;
}

/** The city's posts, newest first; `departmentIds` limits them to those departments (and posts without one). */
export async function findPostSummaries(
  db: Executor,
  organisationId: number,
  language: string,
  departmentIds: number[] | undefined,
  state?: PostState,
): Promise<PostSummary[]> {
  let query = db
    .selectFrom('publishing_post as p')
    .select([
      'p.id',
      'p.state',
      'p.department_id',
      'p.campaign_id',
      'p.crisis',
      'p.scheduled_at',
      'p.published_at',
      'p.review_afterwards',
      sql<string>`coalesce(
        (select coalesce(nullif(t.title, ''), left(t.body, 80)) from publishing_post_text t
          where t.post_id = p.id order by t.language = ${language} desc, t.language limit 1), '')`.as('title'),
      sql<number>`(select count(*)::int from publishing_delivery d where d.post_id = p.id and d.state = 'failed')`.as(
        'failed',
      ),
    ])
    .where('p.organisation_id', '=', organisationId)
    .orderBy(sql`coalesce(p.published_at, p.scheduled_at, p.updated_at)`, 'desc')
    .orderBy('p.id', 'desc')
    .limit(200);
  if (departmentIds)
    query = query.where((eb) =>
      eb.or([
        eb('p.department_id', 'is', null),
        ...(departmentIds.length ? [eb('p.department_id', 'in', departmentIds)] : []),
      ]),
    );
  if (state) query = query.where('p.state', '=', state);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    state: row.state,
    departmentId: row.department_id,
    campaignId: row.campaign_id,
    crisis: row.crisis,
    title: row.title,
    scheduledAt: row.scheduled_at,
    publishedAt: row.published_at,
    reviewAfterwards: row.review_afterwards,
    failedDeliveries: row.failed,
  }));
}

/** Moves a post from one of `from` to `to` (with extra columns); undefined when it was in another state. */
export async function movePost(
  db: Executor,
  organisationId: number,
  id: number,
  from: readonly PostState[],
  to: PostState,
  extra: {
    approvalPosition?: number;
    scheduledAt?: Date | null;
    emergencyStartedBy?: number | null;
    emergencyStartedAt?: Date | null;
    emergencyConfirmedBy?: number | null;
    reviewAfterwards?: boolean;
    version?: number;
  } = {},
): Promise<{ id: number } | undefined> {
  let query = db
    .updateTable('publishing_post')
    .set({
      state: to,
      updated_at: new Date(),
      ...(extra.approvalPosition !== undefined ? { approval_position: extra.approvalPosition } : {}),
      ...(extra.scheduledAt !== undefined ? { scheduled_at: extra.scheduledAt } : {}),
      ...(extra.emergencyStartedBy !== undefined ? { emergency_started_by: extra.emergencyStartedBy } : {}),
      ...(extra.emergencyStartedAt !== undefined ? { emergency_started_at: extra.emergencyStartedAt } : {}),
      ...(extra.emergencyConfirmedBy !== undefined ? { emergency_confirmed_by: extra.emergencyConfirmedBy } : {}),
      ...(extra.reviewAfterwards !== undefined ? { review_afterwards: extra.reviewAfterwards } : {}),
    })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', from);
  if (extra.version !== undefined) query = query.where('version', '=', extra.version);
  return query.returning('id').executeTakeFirst();
}

export async function clearReviewAfterwards(db: Executor, organisationId: number, id: number): Promise<void> {
  await db
    .updateTable('publishing_post')
    .set({ review_afterwards: false })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .execute();
}

export interface Decision {
  id: number;
  version: number;
  position: number | null;
  userId: number | null;
  userName: string | null;
  reviewerName: string | null;
  decision: DecisionKind;
  comment: string;
  createdAt: Date;
}

export async function insertDecision(
  db: Executor,
  values: {
    organisationId: number;
    postId: number;
    version: number;
    position: number | null;
    userId: number | null;
    reviewLinkId?: number | null;
    decision: DecisionKind;
    comment?: string;
  },
): Promise<void> {
  await db
    .insertInto('publishing_decision')
    .values({
      organisation_id: values.organisationId,
      post_id: values.postId,
      version: values.version,
      position: values.position,
      user_id: values.userId,
      review_link_id: values.reviewLinkId ?? null,
      decision: values.decision,
      comment: values.comment ?? '',
    })
    .execute();
}

export async function findDecisions(db: Executor, postId: number): Promise<Decision[]> {
  const rows = await db
    .selectFrom('publishing_decision as d')
    .leftJoin('core_user as u', 'u.id', 'd.user_id')
    .leftJoin('publishing_review_link as r', 'r.id', 'd.review_link_id')
    .select([
      'd.id',
      'd.version',
      'd.position',
      'd.user_id',
      'u.display_name',
      'r.reviewer_name',
      'd.decision',
      'd.comment',
      'd.created_at',
    ])
    .where('d.post_id', '=', postId)
    .orderBy('d.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    version: row.version,
    position: row.position,
    userId: row.user_id,
    userName: row.display_name,
    reviewerName: row.reviewer_name,
    decision: row.decision,
    comment: row.comment,
    createdAt: row.created_at,
  }));
}

export async function departmentExists(db: Executor, organisationId: number, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('core_department')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/** The departments of the city, for the editor's choice. */
export async function findDepartmentChoices(
  db: Executor,
  organisationId: number,
): Promise<Array<{ id: number; name: Translated }>> {
  const rows = await db
    .selectFrom('core_department')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('slug')
    .execute();
  return rows.map((row) => ({ id: row.id, name: json(row.name) }));
}

/** The crisis broadcast pinned now, if any: its text in each language. */
export async function findPinnedCrisis(
  db: Executor,
  organisationId: number,
  now: Date,
): Promise<{ id: number; slug: string; texts: Record<string, PostText> } | undefined> {
  const row = await db
    .selectFrom('publishing_post')
    .select(['id', 'slug'])
    .where('organisation_id', '=', organisationId)
    .where('crisis', '=', true)
    .where('state', '=', 'published')
    .where('pinned_until', '>', now)
    .orderBy('published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const texts = await db.selectFrom('publishing_post_text').selectAll().where('post_id', '=', row.id).execute();
  return {
    id: row.id,
    slug: row.slug,
    texts: Object.fromEntries(texts.map((text) => [text.language, { title: text.title, body: text.body }])),
  };
}
