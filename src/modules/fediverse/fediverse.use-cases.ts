import { randomUUID } from 'node:crypto';
import { Follow, isActor, type Actor } from '@fedify/vocab';
import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { ensureActor, ensureActors } from './actors.ts';
import { contextFor, deliverTo } from './delivery.ts';
import {
  countFollowers,
  deleteFollowersOfDomain,
  findFollowing,
  updateActorProfile,
  upsertFollowing,
} from './fediverse.repository.ts';
import { deleteBlockedDomain, findBlockedDomains, insertBlockedDomain } from './received.repository.ts';
import { authorizeFediverse } from './fediverse.policy.ts';

const MAX_FIELD = 500;

export interface ProfileInput {
  address: string;
  openingHours: string;
  accessibility: string;
}

export type ProfileOutcome =
  { ok: true } | { ok: false; code: 'VALIDATION_FAILED'; fields: Partial<Record<keyof ProfileInput, 'tooLong'>> };

/** The city's actors with their follower counts, for the administration page. */
export async function actorsOverview(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  authorizeFediverse(viewer, 'defederate');
  const actors = await ensureActors(ctx, organisation);
  const rows = [];
  for (const actor of actors)
    rows.push({
      actor,
      followers: await countFollowers(ctx.db, actor.id),
      following: await findFollowing(ctx.db, actor.id),
    });
  return { actors: rows, blocked: await findBlockedDomains(ctx.db, organisation.id) };
}

export async function actorForEditing(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  handle: string,
) {
  authorizeFediverse(viewer, 'profile');
  const actor = await ensureActor(ctx, organisation, handle);
  if (!actor) throw new AppError('FEDIVERSE_ACTOR_NOT_FOUND');
  return actor;
}

/** Administrators set an actor's profile fields (shown on every server as the account's fields). */
export async function changeProfile(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  handle: string,
  input: ProfileInput,
): Promise<ProfileOutcome> {
  authorizeFediverse(viewer, 'profile');
  const actor = await ensureActor(ctx, organisation, handle);
  if (!actor) throw new AppError('FEDIVERSE_ACTOR_NOT_FOUND');
  const fields: Partial<Record<keyof ProfileInput, 'tooLong'>> = {};
  for (const name of ['address', 'openingHours', 'accessibility'] as const)
    if (input[name].length > MAX_FIELD) fields[name] = 'tooLong';
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  await inTransaction(ctx.db, async (tx) => {
    await updateActorProfile(tx, organisation.id, actor.id, input);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'fediverse.profile.changed',
      subjectType: 'fediverse_actor',
      subjectId: actor.id,
      before: { address: actor.address, openingHours: actor.openingHours, accessibility: actor.accessibility },
      after: input,
    });
  });
  return { ok: true };
}

/** A server name as typed (`Example.Social`, `https://example.social/`), or undefined when it is not one. */
export function normaliseDomain(text: string): string | undefined {
  let candidate = text.trim().toLowerCase();
  if (/^https?:\/\//.test(candidate)) {
    try {
      candidate = new URL(candidate).hostname;
    } catch {
      return undefined;
    }
  }
  candidate = candidate.replace(/^@+/, '').replace(/\.$/, '');
  if (candidate.length > 253) return undefined;
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(
    candidate,
  )
    ? candidate
    : undefined;
}

/**
 * Moderators defederate a server: its activities are refused from then on (the glue answers 403), and its
 * accounts (and those of its subdomains) stop following the city's actors, so nothing is delivered there.
 */
export async function blockDomain(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  text: string,
): Promise<{ ok: true; domain: string; removedFollowers: number } | { ok: false; code: 'FEDIVERSE_DOMAIN_INVALID' }> {
  authorizeFediverse(viewer, 'defederate');
  const domain = normaliseDomain(text);
  if (!domain) return { ok: false, code: 'FEDIVERSE_DOMAIN_INVALID' };
  const removedFollowers = await inTransaction(ctx.db, async (tx) => {
    await insertBlockedDomain(tx, { organisationId: organisation.id, domain, userId: viewer.id });
    const removed = await deleteFollowersOfDomain(tx, organisation.id, domain);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'fediverse.domain.blocked',
      subjectType: 'fediverse_domain',
      subjectId: domain,
      after: { removedFollowers: removed },
    });
    return removed;
  });
  return { ok: true, domain, removedFollowers };
}

export async function unblockDomain(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  text: string,
): Promise<void> {
  authorizeFediverse(viewer, 'defederate');
  const domain = normaliseDomain(text);
  if (!domain) throw new AppError('FEDIVERSE_DOMAIN_INVALID');
  await inTransaction(ctx.db, async (tx) => {
    await deleteBlockedDomain(tx, organisation.id, domain);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'fediverse.domain.unblocked',
      subjectType: 'fediverse_domain',
      subjectId: domain,
    });
  });
}

/**
 * Finds a remote account from `@user@server`, `user@server` or its address: WebFinger through the outbound
 * guard (https; http only for a host the operator allows in OUTBOUND_ALLOW_HOSTS, as local test servers are).
 */
export async function findRemoteActor(
  ctx: AppContext,
  organisation: Organisation,
  text: string,
): Promise<Actor | undefined> {
  const fctx = contextFor(ctx, organisation);
  const trimmed = text.trim();
  let address: string | undefined;
  const handle = /^@?([^@\s/]+)@([^@\s/]+)$/.exec(trimmed);
  if (handle?.[1] && handle[2]) {
    const host = handle[2].toLowerCase();
    const hostname = host.replace(/:\d+$/, '');
    const schemes = ctx.config.outbound.allowHosts.some((entry) => entry.host === hostname)
      ? ['https', 'http']
      : ['https'];
    for (const scheme of schemes) {
      try {
        const url = `${scheme}://${host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${handle[1]}@${host}`)}`;
        const response = await ctx.outbound.fetch(url, {
          headers: { accept: 'application/jrd+json' },
          maxBytes: 100_000,
          timeoutMs: 10_000,
        });
        if (!response.ok) continue;
        const jrd = (await response.json()) as { links?: Array<{ rel?: string; type?: string; href?: string }> };
        address = jrd.links?.find(
          (link) => link.rel === 'self' && /activity\+json|ld\+json/.test(link.type ?? '') && link.href,
        )?.href;
        if (address) break;
      } catch {
        // the next scheme, else not found
      }
    }
  } else if (/^https?:\/\//.test(trimmed)) address = trimmed;
  if (!address) return undefined;
  try {
    const object = await fctx.lookupObject(address);
    return object && isActor(object) ? object : undefined;
  } catch {
    return undefined;
  }
}

/** Administrators make one of the city's actors follow another account (another city's news desk). */
export async function followAccount(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  handle: string,
  target: string,
): Promise<{ ok: true; remoteActor: string } | { ok: false; code: 'FEDIVERSE_REMOTE_NOT_FOUND' }> {
  authorizeFediverse(viewer, 'profile');
  const actor = await ensureActor(ctx, organisation, handle);
  if (!actor) throw new AppError('FEDIVERSE_ACTOR_NOT_FOUND');
  const remote = await findRemoteActor(ctx, organisation, target);
  if (!remote?.id || !remote.inboxId) return { ok: false, code: 'FEDIVERSE_REMOTE_NOT_FOUND' };
  const fctx = contextFor(ctx, organisation);
  const followId = new URL(`${fctx.getActorUri(actor.handle).href}#follows/${randomUUID()}`);
  await upsertFollowing(ctx.db, {
    organisationId: organisation.id,
    actorId: actor.id,
    remoteActor: remote.id.href,
    followId: followId.href,
  });
  await deliverTo(
    ctx,
    organisation,
    actor,
    remote,
    new Follow({ id: followId, actor: fctx.getActorUri(actor.handle), object: remote.id }),
  );
  await recordAudit(ctx.db, {
    organisationId: organisation.id,
    actor: { id: viewer.id, label: viewer.displayName },
    action: 'fediverse.followed',
    subjectType: 'fediverse_actor',
    subjectId: actor.id,
    after: { remoteActor: remote.id.href },
  });
  return { ok: true, remoteActor: remote.id.href };
}
