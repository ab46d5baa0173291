import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import type { NewActorKeys } from './keys.ts';

/** The handle of the city's news desk; departments use their slug. */
export const NEWS_HANDLE = 'news';

export interface ActorRow {
  id: number;
  organisationId: number;
  handle: string;
  departmentId: number | null;
  address: string;
  openingHours: string;
  accessibility: string;
  rsaPublic: JsonWebKey;
  rsaPrivate: string;
  ed25519Public: JsonWebKey;
  ed25519Private: string;
  createdAt: Date;
}

function toActor(row: {
  id: number;
  organisation_id: number;
  handle: string;
  department_id: number | null;
  address: string;
  opening_hours: string;
  accessibility: string;
  rsa_public: JsonWebKey;
  rsa_private: string;
  ed25519_public: JsonWebKey;
  ed25519_private: string;
  created_at: Date;
}): ActorRow {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    handle: row.handle,
    departmentId: row.department_id,
    address: row.address,
    openingHours: row.opening_hours,
    accessibility: row.accessibility,
    rsaPublic: row.rsa_public,
    rsaPrivate: row.rsa_private,
    ed25519Public: row.ed25519_public,
    ed25519Private: row.ed25519_private,
    createdAt: row.created_at,
  };
}

/** Who may be an actor of a city: its news desk and each department (by slug) that is not archived. */
export async function findActorCandidates(
  db: Executor,
  organisationId: number,
): Promise<Array<{ handle: string; departmentId: number | null; name: Record<string, string> | null }>> {
  const departments = await db
    .selectFrom('core_department')
    .select(['id', 'slug', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('slug')
    .execute();
  return [
    { handle: NEWS_HANDLE, departmentId: null, name: null },
    ...departments
      .filter((row) => row.slug !== NEWS_HANDLE)
      .map((row) => ({ handle: row.slug, departmentId: row.id, name: row.name })),
  ];
}

export async function findDepartmentName(
  db: Executor,
  organisationId: number,
  departmentId: number,
): Promise<Record<string, string> | undefined> {
  const row = await db
    .selectFrom('core_department')
    .select('name')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', departmentId)
    .executeTakeFirst();
  return row?.name;
}

export async function findActor(db: Executor, organisationId: number, handle: string): Promise<ActorRow | undefined> {
  const row = await db
    .selectFrom('fediverse_actor')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('handle', '=', handle)
    .executeTakeFirst();
  return row ? toActor(row) : undefined;
}

export async function findActorById(db: Executor, actorId: number): Promise<ActorRow | undefined> {
  const row = await db.selectFrom('fediverse_actor').selectAll().where('id', '=', actorId).executeTakeFirst();
  return row ? toActor(row) : undefined;
}

export async function findActors(db: Executor, organisationId: number): Promise<ActorRow[]> {
  const rows = await db
    .selectFrom('fediverse_actor')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map(toActor);
}

/** Stores an actor's keys once: a second server creating the same actor at the same instant keeps the first. */
export async function insertActor(
  db: Db,
  input: { organisationId: number; handle: string; departmentId: number | null; keys: NewActorKeys },
): Promise<ActorRow> {
  await db
    .insertInto('fediverse_actor')
    .values({
      organisation_id: input.organisationId,
      handle: input.handle,
      department_id: input.departmentId,
      rsa_public: JSON.stringify(input.keys.rsaPublic),
      rsa_private: input.keys.rsaPrivate,
      ed25519_public: JSON.stringify(input.keys.ed25519Public),
      ed25519_private: input.keys.ed25519Private,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'handle']).doNothing())
    .execute();
  const actor = await findActor(db, input.organisationId, input.handle);
  if (!actor) throw new Error('The actor could not be stored');
  return actor;
}

export async function updateActorProfile(
  db: Executor,
  organisationId: number,
  actorId: number,
  profile: { address: string; openingHours: string; accessibility: string },
): Promise<void> {
  await db
    .updateTable('fediverse_actor')
    .set({ address: profile.address, opening_hours: profile.openingHours, accessibility: profile.accessibility })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', actorId)
    .execute();
}

/** Every actor's sealed private keys, of every city (for changing SECRET_KEY). */
export async function findSealedActorKeys(
  db: Executor,
): Promise<Array<{ id: number; rsaPrivate: string; ed25519Private: string }>> {
  const rows = await db.selectFrom('fediverse_actor').select(['id', 'rsa_private', 'ed25519_private']).execute();
  return rows.map((row) => ({ id: row.id, rsaPrivate: row.rsa_private, ed25519Private: row.ed25519_private }));
}

export async function storeSealedActorKeys(
  db: Executor,
  actorId: number,
  sealed: { rsaPrivate: string; ed25519Private: string },
): Promise<void> {
  await db
    .updateTable('fediverse_actor')
    .set({ rsa_private: sealed.rsaPrivate, ed25519_private: sealed.ed25519Private })
    .where('id', '=', actorId)
    .execute();
}

export async function replaceActorKeys(db: Executor, actorId: number, keys: NewActorKeys): Promise<void> {
  await db
    .updateTable('fediverse_actor')
    .set({
      rsa_public: JSON.stringify(keys.rsaPublic),
      rsa_private: keys.rsaPrivate,
      ed25519_public: JSON.stringify(keys.ed25519Public),
      ed25519_private: keys.ed25519Private,
    })
    .where('id', '=', actorId)
    .execute();
}

// --- followers ---------------------------------------------------------------------------------

export interface FollowerRow {
  remoteActor: string;
  inbox: string;
  sharedInbox: string | null;
}

export async function upsertFollower(
  db: Executor,
  input: {
    organisationId: number;
    actorId: number;
    remoteActor: string;
    remoteHost: string;
    inbox: string;
    sharedInbox: string | null;
    followId: string | null;
  },
): Promise<void> {
  await db
    .insertInto('fediverse_follower')
    .values({
      organisation_id: input.organisationId,
      actor_id: input.actorId,
      remote_actor: input.remoteActor,
      remote_host: input.remoteHost,
      inbox: input.inbox,
      shared_inbox: input.sharedInbox,
      follow_id: input.followId,
    })
    .onConflict((oc) =>
      oc.columns(['actor_id', 'remote_actor']).doUpdateSet({
        inbox: input.inbox,
        shared_inbox: input.sharedInbox,
        follow_id: input.followId,
      }),
    )
    .execute();
}

export async function deleteFollower(db: Executor, actorId: number, remoteActor: string): Promise<number> {
  const result = await db
    .deleteFrom('fediverse_follower')
    .where('actor_id', '=', actorId)
    .where('remote_actor', '=', remoteActor)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes a remote actor (deleted on its server) from every actor's followers of the city. */
export async function deleteRemoteActorEverywhere(
  db: Executor,
  organisationId: number,
  remoteActor: string,
): Promise<void> {
  await db
    .deleteFrom('fediverse_follower')
    .where('organisation_id', '=', organisationId)
    .where('remote_actor', '=', remoteActor)
    .execute();
}

export async function deleteFollowersOfDomain(db: Executor, organisationId: number, domain: string): Promise<number> {
  const result = await db
    .deleteFrom('fediverse_follower')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb.or([eb('remote_host', '=', domain), eb('remote_host', 'like', `%.${domain}`)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countFollowers(db: Executor, actorId: number): Promise<number> {
  const row = await db
    .selectFrom('fediverse_follower')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', '=', actorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of followers, oldest first, after the follower row `afterId`. */
export async function findFollowersPage(
  db: Executor,
  actorId: number,
  afterId: number,
  limit: number,
): Promise<Array<FollowerRow & { id: number }>> {
  const rows = await db
    .selectFrom('fediverse_follower')
    .select(['id', 'remote_actor', 'inbox', 'shared_inbox'])
    .where('actor_id', '=', actorId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    remoteActor: row.remote_actor,
    inbox: row.inbox,
    sharedInbox: row.shared_inbox,
  }));
}

/** Where to deliver to an actor's followers: one row per follower, blocked servers left out. */
export async function findFollowerInboxes(
  db: Executor,
  organisationId: number,
  actorId: number,
): Promise<FollowerRow[]> {
  const rows = await db
    .selectFrom('fediverse_follower as f')
    .select(['f.remote_actor', 'f.inbox', 'f.shared_inbox'])
    .where('f.actor_id', '=', actorId)
    .where('f.organisation_id', '=', organisationId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('fediverse_blocked_domain as b')
            .select('b.domain')
            .whereRef('b.organisation_id', '=', 'f.organisation_id')
            .where(sql<boolean>`(f.remote_host = b.domain or f.remote_host like '%.' || b.domain)`),
        ),
      ),
    )
    .execute();
  return rows.map((row) => ({ remoteActor: row.remote_actor, inbox: row.inbox, sharedInbox: row.shared_inbox }));
}

// --- following (one of our actors follows a remote one) ------------------------------------------

export async function upsertFollowing(
  db: Executor,
  input: { organisationId: number; actorId: number; remoteActor: string; followId: string },
): Promise<void> {
  await db
    .insertInto('fediverse_following')
    .values({
      organisation_id: input.organisationId,
      actor_id: input.actorId,
      remote_actor: input.remoteActor,
      follow_id: input.followId,
    })
    .onConflict((oc) => oc.columns(['actor_id', 'remote_actor']).doUpdateSet({ follow_id: input.followId }))
    .execute();
}

/** Marks our Follow (by its id) accepted, when the account it asked to follow answers. */
export async function markFollowingAccepted(
  db: Executor,
  organisationId: number,
  followId: string,
  remoteActor: string,
): Promise<boolean> {
  const result = await db
    .updateTable('fediverse_following')
    .set({ accepted_at: new Date() })
    .where('organisation_id', '=', organisationId)
    .where('follow_id', '=', followId)
    .where('remote_actor', '=', remoteActor)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findFollowing(db: Executor, actorId: number) {
  return db
    .selectFrom('fediverse_following')
    .select(['remote_actor', 'accepted_at'])
    .where('actor_id', '=', actorId)
    .orderBy('id')
    .execute();
}

/** The city's actors whose follow of a remote account was accepted. */
export async function findActorsFollowing(
  db: Executor,
  organisationId: number,
  remoteActor: string,
): Promise<number[]> {
  const rows = await db
    .selectFrom('fediverse_following')
    .select('actor_id')
    .where('organisation_id', '=', organisationId)
    .where('remote_actor', '=', remoteActor)
    .where('accepted_at', 'is not', null)
    .execute();
  return rows.map((row) => row.actor_id);
}

/** What the accounts an actor follows have posted, newest first. */
export async function findReceivedPosts(db: Executor, actorId: number, limit: number) {
  return db
    .selectFrom('fediverse_received')
    .select(['iri', 'remote_actor', 'content', 'received_at'])
    .where('actor_id', '=', actorId)
    .where('object_id', 'is', null)
    .where('deleted_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function isFollowing(db: Executor, actorId: number, remoteActor: string): Promise<boolean> {
  const row = await db
    .selectFrom('fediverse_following')
    .select('id')
    .where('actor_id', '=', actorId)
    .where('remote_actor', '=', remoteActor)
    .executeTakeFirst();
  return row !== undefined;
}
