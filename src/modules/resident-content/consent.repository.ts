import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './resident-content.schema.ts';

export interface RequestValues {
  organisationId: number;
  postId: number;
  askedBy: number;
  via: 'reply' | 'direct';
  tokenHash: string;
  keyword: string;
  licence: string;
  months: number;
  expiresAt: Date;
}

export async function insertRequest(db: Executor, values: RequestValues): Promise<number> {
  const row = await db
    .insertInto('resident_content_request')
    .values({
      organisation_id: values.organisationId,
      post_id: values.postId,
      asked_by: values.askedBy,
      via: values.via,
      token_hash: values.tokenHash,
      keyword: values.keyword,
      licence: values.licence,
      months: values.months,
      expires_at: values.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setRequestSent(db: Executor, id: number, sentRemoteId: string): Promise<void> {
  await db.updateTable('resident_content_request').set({ sent_remote_id: sentRemoteId }).where('id', '=', id).execute();
}

const REQUEST_COLUMNS = [
  'id',
  'organisation_id',
  'post_id',
  'via',
  'sent_remote_id',
  'keyword',
  'licence',
  'months',
  'asked_at',
  'expires_at',
  'answered_at',
  'answer',
] as const;

/** An unanswered, unexpired request by the hash of its link's token. */
export async function findOpenRequestByToken(db: Executor, organisationId: number, tokenHash: string) {
  return db
    .selectFrom('resident_content_request')
    .select(REQUEST_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('token_hash', '=', tokenHash)
    .where('answered_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** The open request whose message (our reply on the channel) has this remote id. */
export async function findOpenRequestBySent(db: Executor, organisationId: number, sentRemoteId: string) {
  return db
    .selectFrom('resident_content_request')
    .select(REQUEST_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('sent_remote_id', '=', sentRemoteId)
    .where('answered_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Open Mastodon requests whose answers the keyword job reads. */
export async function findOpenMastodonRequests(db: Executor, limit: number) {
  return db
    .selectFrom('resident_content_request as r')
    .innerJoin('resident_content_post as p', 'p.id', 'r.post_id')
    .select([
      'r.id',
      'r.organisation_id',
      'r.post_id',
      'r.sent_remote_id',
      'r.keyword',
      'p.destination_id',
      'p.author_id',
    ])
    .where('p.source', '=', 'mastodon')
    .where('r.sent_remote_id', 'is not', null)
    .where('r.answered_at', 'is', null)
    .where('r.expires_at', '>', sql<Date>`now()`)
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/** Answers a request once: false when it was already answered (a token is used once). */
export async function answerRequest(
  db: Executor,
  id: number,
  answer: 'consented' | 'declined' | 'never',
): Promise<boolean> {
  const result = await db
    .updateTable('resident_content_request')
    .set({ answered_at: new Date(), answer })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findRequestsOfPost(db: Executor, postId: number) {
  return db
    .selectFrom('resident_content_request')
    .select(REQUEST_COLUMNS)
    .where('post_id', '=', postId)
    .orderBy('id', 'desc')
    .execute();
}

export interface ConsentValues {
  organisationId: number;
  postId: number;
  requestId: number;
  authorId: string;
  userId: number | null;
  via: 'link' | 'keyword';
  evidence: Record<string, unknown>;
  licence: string;
  validUntil: Date | null;
  withdrawTokenHash: string;
}

export async function insertConsent(db: Executor, values: ConsentValues): Promise<number> {
  const row = await db
    .insertInto('resident_content_consent')
    .values({
      organisation_id: values.organisationId,
      post_id: values.postId,
      request_id: values.requestId,
      author_id: values.authorId,
      user_id: values.userId,
      via: values.via,
      evidence: JSON.stringify(values.evidence),
      licence: values.licence,
      valid_until: values.validUntil,
      withdraw_token_hash: values.withdrawTokenHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const CONSENT_COLUMNS = [
  'id',
  'organisation_id',
  'post_id',
  'request_id',
  'author_id',
  'user_id',
  'granted_at',
  'via',
  'evidence',
  'licence',
  'valid_until',
  'withdrawn_at',
  'withdrawn_via',
] as const;

export async function findConsentByWithdrawToken(db: Executor, organisationId: number, tokenHash: string) {
  return db
    .selectFrom('resident_content_consent')
    .select(CONSENT_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('withdraw_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function findConsentsOfPost(db: Executor, postId: number) {
  return db
    .selectFrom('resident_content_consent')
    .select(CONSENT_COLUMNS)
    .where('post_id', '=', postId)
    .orderBy('id', 'desc')
    .execute();
}

/** Withdraws a consent once; false when it was already withdrawn. */
export async function withdrawConsent(db: Executor, id: number, via: string): Promise<boolean> {
  const result = await db
    .updateTable('resident_content_consent')
    .set({ withdrawn_at: new Date(), withdrawn_via: via })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Consents past their end whose post is still featured. */
export async function findEndedConsents(db: Executor, limit: number) {
  return db
    .selectFrom('resident_content_consent as c')
    .innerJoin('resident_content_post as p', 'p.id', 'c.post_id')
    .select(['c.id', 'c.organisation_id', 'c.post_id'])
    .where('p.state', '=', 'featured')
    .where('c.withdrawn_at', 'is', null)
    .where('c.valid_until', '<=', sql<Date>`now()`)
    .limit(limit)
    .execute();
}

// --- personal data ----------------------------------------------------------------------------------

/** Consents a signed-in person gave, with the posts they are about. */
export async function findConsentsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('resident_content_consent as c')
    .innerJoin('resident_content_post as p', 'p.id', 'c.post_id')
    .select([
      'c.id',
      'c.organisation_id',
      'c.post_id',
      'c.author_id',
      'c.granted_at',
      'c.via',
      'c.licence',
      'c.valid_until',
      'c.withdrawn_at',
      'c.withdrawn_via',
      'p.source',
      'p.remote_url',
      'p.author_handle',
      'p.author_name',
      'p.body',
      'p.media',
      'p.state',
      'p.posted_at',
    ])
    .where('c.user_id', '=', userId)
    .orderBy('c.id')
    .execute();
}

/** Detaches a person's consents from their account (the records stay as proof, without the account). */
export async function detachConsentsOfUser(db: Executor, userId: number): Promise<void> {
  await db.updateTable('resident_content_consent').set({ user_id: null }).where('user_id', '=', userId).execute();
}

/** Removes a request whose message could not be sent (nothing was asked). */
export async function deleteRequest(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('resident_content_request').where('id', '=', id).execute();
}
