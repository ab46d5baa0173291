import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

// --- activities received -----------------------------------------------------------------------

/** Records a received note once; answers false when it was already recorded. */
export async function insertReceived(
  db: Executor,
  input: {
    organisationId: number;
    actorId: number;
    iri: string;
    remoteActor: string;
    objectId: number | null;
    activityType: string;
    content: string | null;
  },
): Promise<boolean> {
  const row = await db
    .insertInto('fediverse_received')
    .values({
      organisation_id: input.organisationId,
      actor_id: input.actorId,
      iri: input.iri,
      remote_actor: input.remoteActor,
      object_id: input.objectId,
      activity_type: input.activityType,
      content: input.content,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'iri']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findReceived(db: Executor, organisationId: number, iri: string) {
  return db
    .selectFrom('fediverse_received')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('iri', '=', iri)
    .executeTakeFirst();
}

export async function updateReceivedContent(db: Executor, id: number, content: string): Promise<void> {
  await db.updateTable('fediverse_received').set({ content }).where('id', '=', id).execute();
}

/** Marks a received note deleted by its author; only the author's own notes (`remoteActor`) are touched. */
export async function markReceivedDeleted(
  db: Executor,
  organisationId: number,
  iri: string,
  remoteActor: string,
): Promise<boolean> {
  const result = await db
    .updateTable('fediverse_received')
    .set({ deleted_at: new Date(), content: null })
    .where('organisation_id', '=', organisationId)
    .where('iri', '=', iri)
    .where('remote_actor', '=', remoteActor)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// --- blocks ---------------------------------------------------------------------------------------

export async function findBlockedDomains(db: Executor, organisationId: number) {
  return db
    .selectFrom('fediverse_blocked_domain')
    .select(['domain', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('domain')
    .execute();
}

/** Whether a host is a blocked domain or under one. */
export async function isDomainBlocked(db: Executor, organisationId: number, host: string): Promise<boolean> {
  const row = await db
    .selectFrom('fediverse_blocked_domain')
    .select('domain')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb.or([eb('domain', '=', host), eb(sql.val(host), 'like', sql<string>`'%.' || domain`)]))
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertBlockedDomain(
  db: Executor,
  input: { organisationId: number; domain: string; userId: number },
): Promise<void> {
  await db
    .insertInto('fediverse_blocked_domain')
    .values({ organisation_id: input.organisationId, domain: input.domain, created_by: input.userId })
    .onConflict((oc) => oc.columns(['organisation_id', 'domain']).doNothing())
    .execute();
}

export async function deleteBlockedDomain(db: Executor, organisationId: number, domain: string): Promise<void> {
  await db
    .deleteFrom('fediverse_blocked_domain')
    .where('organisation_id', '=', organisationId)
    .where('domain', '=', domain)
    .execute();
}

export async function insertBlockedBy(
  db: Executor,
  input: { organisationId: number; actorId: number; remoteActor: string },
): Promise<void> {
  await db
    .insertInto('fediverse_blocked_by')
    .values({ organisation_id: input.organisationId, actor_id: input.actorId, remote_actor: input.remoteActor })
    .onConflict((oc) => oc.columns(['actor_id', 'remote_actor']).doNothing())
    .execute();
}

export async function deleteBlockedBy(db: Executor, actorId: number, remoteActor: string): Promise<void> {
  await db
    .deleteFrom('fediverse_blocked_by')
    .where('actor_id', '=', actorId)
    .where('remote_actor', '=', remoteActor)
    .execute();
}
