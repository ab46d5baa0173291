import type { Executor } from '../../platform/db/database.ts';
import type { ObjectAttachment, ObjectType } from './fediverse.schema.ts';

// --- objects we published ------------------------------------------------------------------------

export interface ObjectRow {
  id: number;
  organisationId: number;
  actorId: number;
  uuid: string;
  postId: number | null;
  deliveryId: number | null;
  type: ObjectType;
  title: string | null;
  content: string;
  summary: string | null;
  language: string;
  url: string | null;
  hashtags: string[];
  attachments: ObjectAttachment[];
  inReplyTo: string | null;
  replyToActor: string | null;
  publishedAt: Date;
  updatedAt: Date | null;
  deletedAt: Date | null;
}

type ObjectDbRow = {
  id: number;
  organisation_id: number;
  actor_id: number;
  uuid: string;
  post_id: number | null;
  delivery_id: number | null;
  type: ObjectType;
  title: string | null;
  content: string;
  summary: string | null;
  language: string;
  url: string | null;
  hashtags: string[];
  attachments: ObjectAttachment[];
  in_reply_to: string | null;
  reply_to_actor: string | null;
  published_at: Date;
  updated_at: Date | null;
  deleted_at: Date | null;
};

function toObject(row: ObjectDbRow): ObjectRow {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    actorId: row.actor_id,
    uuid: row.uuid,
    postId: row.post_id,
    deliveryId: row.delivery_id,
    type: row.type,
    title: row.title,
    content: row.content,
    summary: row.summary,
    language: row.language,
    url: row.url,
    hashtags: row.hashtags,
    attachments: row.attachments,
    inReplyTo: row.in_reply_to,
    replyToActor: row.reply_to_actor,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export type NewObject = Omit<ObjectRow, 'id' | 'updatedAt' | 'deletedAt'>;

/** Stores a published object once per delivery (a second call answers the first row). */
export async function insertObject(db: Executor, input: NewObject): Promise<ObjectRow> {
  const values = {
    organisation_id: input.organisationId,
    actor_id: input.actorId,
    uuid: input.uuid,
    post_id: input.postId,
    delivery_id: input.deliveryId,
    type: input.type,
    title: input.title,
    content: input.content,
    summary: input.summary,
    language: input.language,
    url: input.url,
    hashtags: input.hashtags,
    attachments: JSON.stringify(input.attachments),
    in_reply_to: input.inReplyTo,
    reply_to_actor: input.replyToActor,
    published_at: input.publishedAt,
  };
  if (input.deliveryId !== null) {
    const existing = await findObjectByDelivery(db, input.organisationId, input.deliveryId);
    if (existing) return existing;
  }
  const row = await db.insertInto('fediverse_object').values(values).returningAll().executeTakeFirstOrThrow();
  return toObject(row);
}

export async function findObjectByDelivery(
  db: Executor,
  organisationId: number,
  deliveryId: number,
): Promise<ObjectRow | undefined> {
  const row = await db
    .selectFrom('fediverse_object')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return row ? toObject(row) : undefined;
}

export async function findObjectByUuid(
  db: Executor,
  organisationId: number,
  uuid: string,
): Promise<ObjectRow | undefined> {
  const row = await db
    .selectFrom('fediverse_object')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('uuid', '=', uuid)
    .executeTakeFirst();
  return row ? toObject(row) : undefined;
}

export async function updateObjectContent(
  db: Executor,
  objectId: number,
  values: {
    title: string | null;
    content: string;
    summary: string | null;
    hashtags: string[];
    attachments: ObjectAttachment[];
    updatedAt: Date;
  },
): Promise<void> {
  await db
    .updateTable('fediverse_object')
    .set({
      title: values.title,
      content: values.content,
      summary: values.summary,
      hashtags: values.hashtags,
      attachments: JSON.stringify(values.attachments),
      updated_at: values.updatedAt,
    })
    .where('id', '=', objectId)
    .execute();
}

export async function markObjectDeleted(db: Executor, objectId: number, at: Date): Promise<void> {
  await db.updateTable('fediverse_object').set({ deleted_at: at }).where('id', '=', objectId).execute();
}

export async function countObjects(db: Executor, actorId: number): Promise<number> {
  const row = await db
    .selectFrom('fediverse_object')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', '=', actorId)
    .where('deleted_at', 'is', null)
    .where('in_reply_to', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of an actor's posts (not its replies), newest first, before the object `beforeId`. */
export async function findObjectsPage(
  db: Executor,
  actorId: number,
  beforeId: number | null,
  limit: number,
): Promise<ObjectRow[]> {
  let query = db
    .selectFrom('fediverse_object')
    .selectAll()
    .where('actor_id', '=', actorId)
    .where('deleted_at', 'is', null)
    .where('in_reply_to', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit);
  if (beforeId !== null) query = query.where('id', '<', beforeId);
  return (await query.execute()).map(toObject);
}
