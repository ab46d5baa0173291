import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { Frequency, SubscriberStatus } from './newsletter.schema.ts';

export interface Settings {
  frequency: Frequency;
  weekday: number;
  hour: number;
  lastDigestAt: Date | null;
  createdAt: Date;
}

export interface Subscriber {
  id: number;
  organisationId: number;
  email: string;
  userId: number | null;
  languages: string[];
  departmentIds: number[];
  status: SubscriberStatus;
  tokenSalt: string;
}

export interface WaitingItem {
  id: number;
  language: string;
  title: string | null;
  body: string;
  url: string;
  image: { url: string; alt: string } | null;
  departmentId: number | null;
  publishedAt: Date;
}

const SUBSCRIBER_COLUMNS = [
  'id',
  'organisation_id',
  'email',
  'user_id',
  'languages',
  'department_ids',
  'status',
  'token_salt',
] as const;

function toSubscriber(row: {
  id: number;
  organisation_id: number;
  email: string;
  user_id: number | null;
  languages: string[];
  department_ids: number[];
  status: SubscriberStatus;
  token_salt: string;
}): Subscriber {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    userId: row.user_id,
    languages: row.languages,
    departmentIds: row.department_ids.map(Number),
    status: row.status,
    tokenSalt: row.token_salt,
  };
}

export async function findSettings(db: Executor, organisationId: number): Promise<Settings | undefined> {
  const row = await db
    .selectFrom('newsletter_settings')
    .select(['frequency', 'weekday', 'hour', 'last_digest_at', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row
    ? {
        frequency: row.frequency,
        weekday: row.weekday,
        hour: row.hour,
        lastDigestAt: row.last_digest_at,
        createdAt: row.created_at,
      }
    : undefined;
}

/** The city's schedule, created with the defaults (weekly, Monday 8:00) the first time it is asked. */
export async function ensureSettings(db: Executor, organisationId: number): Promise<Settings> {
  await db
    .insertInto('newsletter_settings')
    .values({ organisation_id: organisationId })
    .onConflict((oc) => oc.column('organisation_id').doNothing())
    .execute();
  const settings = await findSettings(db, organisationId);
  if (!settings) throw new Error('newsletter settings missing after insert');
  return settings;
}

export async function storeSettings(
  db: Executor,
  organisationId: number,
  values: { frequency: Frequency; weekday: number; hour: number },
): Promise<void> {
  await db
    .insertInto('newsletter_settings')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/**
 * Claims one digest run: moves `last_digest_at` from what the job read to `now`. Two workers reading the
 * same schedule cannot both claim it (the second finds another value and gets false).
 */
export async function claimDigestRun(tx: Tx, organisationId: number, seen: Date | null, now: Date): Promise<boolean> {
  const result = await tx
    .updateTable('newsletter_settings')
    .set({ last_digest_at: now })
    .where('organisation_id', '=', organisationId)
    .where(sql<boolean>`last_digest_at is not distinct from ${seen}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findSubscriberByEmail(
  db: Executor,
  organisationId: number,
  email: string,
): Promise<Subscriber | undefined> {
  const row = await db
    .selectFrom('newsletter_subscriber')
    .select(SUBSCRIBER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('email', '=', email)
    .executeTakeFirst();
  return row ? toSubscriber(row) : undefined;
}

export async function findSubscriber(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<Subscriber | undefined> {
  const row = await db
    .selectFrom('newsletter_subscriber')
    .select(SUBSCRIBER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSubscriber(row) : undefined;
}

/**
 * Stores an address waiting for its confirmation (new, or not confirmed, or bounced before): its choices,
 * a new salt (old links stop working) and the hash of the mailed token. A confirmed address is left as it is.
 */
export async function storePendingSubscriber(
  tx: Tx,
  values: {
    organisationId: number;
    email: string;
    userId: number | null;
    languages: string[];
    departmentIds: number[];
    tokenSalt: string;
    confirmTokenHash: string;
    confirmExpiresAt: Date;
  },
): Promise<'pending' | 'confirmed'> {
  const changes = {
    user_id: values.userId,
    languages: values.languages,
    department_ids: values.departmentIds,
    status: 'pending' as const,
    token_salt: values.tokenSalt,
    confirm_token_hash: values.confirmTokenHash,
    confirm_expires_at: values.confirmExpiresAt,
    soft_bounces: 0,
    bounced_at: null,
    confirmed_at: null,
  };
  const row = await tx
    .insertInto('newsletter_subscriber')
    .values({ organisation_id: values.organisationId, email: values.email, ...changes })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'email'])
        .doUpdateSet(changes)
        .where('newsletter_subscriber.status', '<>', 'confirmed'),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? 'pending' : 'confirmed';
}

/** Subscribes an address known to be its owner's (a signed-in resident's confirmed address) at once. */
export async function storeConfirmedSubscriber(
  tx: Tx,
  values: {
    organisationId: number;
    email: string;
    userId: number;
    languages: string[];
    departmentIds: number[];
    tokenSalt: string;
  },
): Promise<number> {
  const changes = {
    user_id: values.userId,
    languages: values.languages,
    department_ids: values.departmentIds,
    status: 'confirmed' as const,
    confirm_token_hash: null,
    confirm_expires_at: null,
    soft_bounces: 0,
    bounced_at: null,
    confirmed_at: new Date(),
  };
  const row = await tx
    .insertInto('newsletter_subscriber')
    .values({
      organisation_id: values.organisationId,
      email: values.email,
      token_salt: values.tokenSalt,
      ...changes,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'email']).doUpdateSet(changes))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Confirms the address a mailed token names if its link has not expired; undefined otherwise. */
export async function confirmByTokenHash(
  db: Executor,
  organisationId: number,
  confirmTokenHash: string,
  now: Date,
): Promise<Subscriber | undefined> {
  const row = await db
    .updateTable('newsletter_subscriber')
    .set({ status: 'confirmed', confirmed_at: now, confirm_token_hash: null, confirm_expires_at: null })
    .where('organisation_id', '=', organisationId)
    .where('confirm_token_hash', '=', confirmTokenHash)
    .where('confirm_expires_at', '>', now)
    .returning(SUBSCRIBER_COLUMNS)
    .executeTakeFirst();
  return row ? toSubscriber(row) : undefined;
}

export async function updatePreferences(
  db: Executor,
  organisationId: number,
  id: number,
  languages: string[],
  departmentIds: number[],
): Promise<void> {
  await db
    .updateTable('newsletter_subscriber')
    .set({ languages, department_ids: departmentIds })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

/** Removes an address and what was sent to it (an unsubscribed address is not kept). */
export async function deleteSubscriber(db: Executor, organisationId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('newsletter_subscriber')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Addresses whose confirmation link expired unconfirmed. */
export async function deleteExpiredPending(db: Executor, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('newsletter_subscriber')
    .where('status', '=', 'pending')
    .where('confirm_expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Confirmed addresses reading a language (bounced and unconfirmed ones are never mailed). */
export async function findRecipients(db: Executor, organisationId: number, language: string): Promise<Subscriber[]> {
  const rows = await db
    .selectFrom('newsletter_subscriber')
    .select(SUBSCRIBER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'confirmed')
    .where(sql<boolean>`${language} = any(languages)`)
    .orderBy('id')
    .execute();
  return rows.map(toSubscriber);
}

/** Adds a post to the list (idempotent per delivery); answers whether it is on the list now. */
export async function insertItem(
  db: Executor,
  item: {
    organisationId: number;
    deliveryId: number;
    postId: number;
    language: string;
    title: string | null;
    body: string;
    url: string;
    image: { url: string; alt: string } | null;
    departmentId: number | null;
    crisis: boolean;
    publishedAt: Date;
  },
): Promise<{ id: number; inserted: boolean }> {
  const row = await db
    .insertInto('newsletter_item')
    .values({
      organisation_id: item.organisationId,
      delivery_id: item.deliveryId,
      post_id: item.postId,
      language: item.language,
      title: item.title,
      body: item.body,
      url: item.url,
      image_url: item.image?.url ?? null,
      image_alt: item.image?.alt ?? null,
      department_id: item.departmentId,
      crisis: item.crisis,
      published_at: item.publishedAt,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'delivery_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, inserted: true };
  const found = await findItemByDelivery(db, item.organisationId, item.deliveryId);
  if (!found) throw new Error('newsletter item vanished');
  return { id: found.id, inserted: false };
}

export async function findItemByDelivery(
  db: Executor,
  organisationId: number,
  deliveryId: number,
): Promise<{ id: number; digestId: number | null } | undefined> {
  const row = await db
    .selectFrom('newsletter_item')
    .select(['id', 'digest_id'])
    .where('organisation_id', '=', organisationId)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return row ? { id: row.id, digestId: row.digest_id } : undefined;
}

/** The department of a post of the publishing module (null for the city's general news). */
export async function findPostDepartment(db: Executor, organisationId: number, postId: number): Promise<number | null> {
  const row = await db
    .selectFrom('publishing_post')
    .select('department_id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', postId)
    .executeTakeFirst();
  return row?.department_id ?? null;
}

/** Posts on the list for the next digest, oldest first. `lock`: within the digest's transaction. */
export async function findWaitingItems(db: Executor, organisationId: number, lock = false): Promise<WaitingItem[]> {
  let query = db
    .selectFrom('newsletter_item')
    .select(['id', 'language', 'title', 'body', 'url', 'image_url', 'image_alt', 'department_id', 'published_at'])
    .where('organisation_id', '=', organisationId)
    .where('digest_id', 'is', null)
    .where('crisis', '=', false)
    .orderBy('published_at')
    .orderBy('id');
  if (lock) query = query.forUpdate();
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    language: row.language,
    title: row.title,
    body: row.body,
    url: row.url,
    image: row.image_url ? { url: row.image_url, alt: row.image_alt ?? '' } : null,
    departmentId: row.department_id,
    publishedAt: row.published_at,
  }));
}

export async function insertDigest(
  tx: Tx,
  values: { organisationId: number; language: string; kind: 'digest' | 'crisis'; items: number; recipients: number },
): Promise<number> {
  const row = await tx
    .insertInto('newsletter_digest')
    .values({
      organisation_id: values.organisationId,
      language: values.language,
      kind: values.kind,
      items: values.items,
      recipients: values.recipients,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function assignItems(tx: Tx, organisationId: number, itemIds: number[], digestId: number): Promise<void> {
  if (itemIds.length === 0) return;
  await tx
    .updateTable('newsletter_item')
    .set({ digest_id: digestId })
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', itemIds)
    .execute();
}

export async function insertSend(
  tx: Tx,
  values: { organisationId: number; digestId: number; subscriberId: number; mailId: number },
): Promise<void> {
  await tx
    .insertInto('newsletter_send')
    .values({
      organisation_id: values.organisationId,
      digest_id: values.digestId,
      subscriber_id: values.subscriberId,
      mail_id: values.mailId,
    })
    .execute();
}

/** How many addresses read each language, by state (an address reading two languages counts in both). */
export async function countByLanguage(
  db: Executor,
  organisationId: number,
): Promise<Array<{ language: string; status: SubscriberStatus; count: number }>> {
  const result = await sql<{ language: string; status: SubscriberStatus; count: string | number }>`
    select language, status, count(*) as count
    from newsletter_subscriber, unnest(languages) as language
    where organisation_id = ${organisationId}
    group by language, status
    order by language, status`.execute(db);
  return result.rows.map((row) => ({ language: row.language, status: row.status, count: Number(row.count) }));
}

export async function listDigests(
  db: Executor,
  organisationId: number,
  limit: number,
): Promise<
  Array<{ id: number; language: string; kind: 'digest' | 'crisis'; items: number; recipients: number; createdAt: Date }>
> {
  const rows = await db
    .selectFrom('newsletter_digest')
    .select(['id', 'language', 'kind', 'items', 'recipients', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(({ created_at, ...row }) => ({ ...row, createdAt: created_at }));
}

export async function findDepartments(
  db: Executor,
  organisationId: number,
): Promise<Array<{ id: number; name: Translated }>> {
  const rows = await db
    .selectFrom('core_department')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: (typeof row.name === 'string' ? JSON.parse(row.name) : row.name) as Translated,
  }));
}

/**
 * Mails of the newsletter the SMTP server refused for good at send time (the mailer marks them
 * `failed`), not yet counted; mails sent meanwhile are marked checked so the sweep stays small.
 */
export async function takeRefusedSends(tx: Tx): Promise<Array<{ organisationId: number; subscriberId: number }>> {
  const refused = await tx
    .updateTable('newsletter_send')
    .set({ bounce_checked: true })
    .where('bounce_checked', '=', false)
    .where('mail_id', 'in', (qb) => qb.selectFrom('core_mail').select('id').where('status', '=', 'failed'))
    .returning(['organisation_id', 'subscriber_id'])
    .execute();
  await tx
    .updateTable('newsletter_send')
    .set({ bounce_checked: true })
    .where('bounce_checked', '=', false)
    .where('mail_id', 'in', (qb) => qb.selectFrom('core_mail').select('id').where('status', '=', 'sent'))
    .execute();
  return refused.map((row) => ({ organisationId: row.organisation_id, subscriberId: row.subscriber_id }));
}

/**
 * Counts a bounce against a confirmed address: a hard one, or the third soft one, marks it bounced
 * (nothing more is mailed to it). Answers the new state, or undefined for an address not on the list.
 */
export async function recordBounce(
  db: Executor,
  organisationId: number,
  who: { id: number } | { email: string },
  hard: boolean,
  softLimit: number,
): Promise<SubscriberStatus | undefined> {
  let query = db
    .updateTable('newsletter_subscriber')
    .set({
      soft_bounces: hard ? sql<number>`soft_bounces` : sql<number>`soft_bounces + 1`,
      status: hard
        ? 'bounced'
        : sql<SubscriberStatus>`case when soft_bounces + 1 >= ${softLimit} then 'bounced' else status end`,
      bounced_at: hard
        ? new Date()
        : sql<Date | null>`case when soft_bounces + 1 >= ${softLimit} then now() else bounced_at end`,
    })
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'confirmed');
  query = 'id' in who ? query.where('id', '=', who.id) : query.where('email', '=', who.email);
  const row = await query.returning('status').executeTakeFirst();
  return row?.status;
}

/** The newsletter addresses of an account: subscribed while signed in, or the account's own address. */
export async function findSubscribersOfUser(tx: Tx, userId: number) {
  return tx
    .selectFrom('newsletter_subscriber')
    .select([
      'id',
      'email',
      'languages',
      'department_ids',
      'status',
      'created_at',
      'confirmed_at',
      'soft_bounces',
      'bounced_at',
    ])
    .where((eb) =>
      eb.or([
        eb('user_id', '=', userId),
        eb.and([
          eb(
            'email',
            '=',
            eb
              .selectFrom('core_user')
              .select(sql<string>`lower(email)`.as('email'))
              .where('id', '=', userId),
          ),
          eb('organisation_id', '=', eb.selectFrom('core_user').select('organisation_id').where('id', '=', userId)),
        ]),
      ]),
    )
    .orderBy('id')
    .execute();
}

export async function deleteSubscribersById(tx: Tx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.deleteFrom('newsletter_subscriber').where('id', 'in', ids).execute();
}
