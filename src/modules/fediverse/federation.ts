import { createFederation, type Federation, type RequestContext } from '@fedify/fedify';
import { Article, Endpoints, Note, Organization, PropertyValue, Service, type Recipient } from '@fedify/vocab';
import type { AppContext } from '../../platform/context.ts';
import { translator } from '../../platform/i18n/translate.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { actorName, cityLanguage, ensureActor } from './actors.ts';
import { countFollowers, findActor, findActors, findFollowersPage, NEWS_HANDLE } from './fediverse.repository.ts';
import { countObjects, findObjectByUuid, findObjectsPage } from './objects.repository.ts';
import type { FediverseData } from './federation-types.ts';
import { registerInboxListeners } from './inbox-listeners.ts';
import { importActorKeys } from './keys.ts';
import { KyselyKvStore } from './kv.repository.ts';
import { outboundDocumentLoader } from './loader.ts';
import { buildCreate, buildObject, instant } from './objects.ts';
import { KyselyMessageQueue } from './queue.repository.ts';

export const PAGE_SIZE = 50;

export interface FediverseRuntime {
  federation: Federation<FediverseData>;
  queue: KyselyMessageQueue;
  kv: KyselyKvStore;
}

const runtimes = new WeakMap<object, FediverseRuntime>();

/**
 * The installation's one Fedify federation (every city shares it; the request's host decides the city,
 * handed to dispatchers as context data). Built once per database, with the key-value store and queue in
 * tables, remote documents fetched through the platform's outbound guard, and Fedify's circuit breaker
 * per remote server: after 5 failed deliveries in 10 minutes a server gets nothing for 10 minutes (its
 * activities held), so one dead server never slows the others.
 */
export function fediverseRuntime(ctx: AppContext): FediverseRuntime {
  const known = runtimes.get(ctx.db);
  if (known) return known;
  const kv = new KyselyKvStore(ctx.db);
  const queue = new KyselyMessageQueue(ctx.db, { kind: ctx.dbKind });
  const federation = createFederation<FediverseData>({
    kv,
    queue: { outbox: queue, fanout: queue },
    manuallyStartQueue: true,
    documentLoaderFactory: () => outboundDocumentLoader(ctx),
    contextLoaderFactory: () => outboundDocumentLoader(ctx),
    authenticatedDocumentLoaderFactory: (identity) => outboundDocumentLoader(ctx, identity),
    circuitBreaker: {
      failureThreshold: 5,
      failureWindow: { minutes: 10 },
      recoveryDelay: { minutes: 10 },
      heldActivityTtl: { days: 2 },
      onStateChange: (host, previous, next) => {
        ctx.log.info({ host, previous, next }, 'fediverse: remote server circuit changed');
      },
    },
  });
  configureActors(ctx, federation);
  registerInboxListeners(ctx, federation);
  const runtime = { federation, queue, kv };
  runtimes.set(ctx.db, runtime);
  return runtime;
}

/** The URL of an actor's HTML profile equals its id: browsers get the page, servers the JSON. */
function configureActors(ctx: AppContext, federation: Federation<FediverseData>): void {
  federation
    .setActorDispatcher('/ap/actors/{identifier}', async (fctx, identifier) => {
      const { organisation } = fctx.data;
      const actor = await ensureActor(ctx, organisation, identifier);
      if (!actor) return null;
      const t = translator(cityLanguage(organisation));
      const keys = await fctx.getActorKeyPairs(identifier);
      const fields = [
        { name: t('fediverse.field.address'), value: actor.address },
        { name: t('fediverse.field.hours'), value: actor.openingHours },
        { name: t('fediverse.field.accessibility'), value: actor.accessibility },
        { name: t('fediverse.field.website'), value: absoluteUrl(ctx.config, organisation, '/') },
      ].filter((field) => field.value.trim() !== '');
      const values = {
        id: fctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: await actorName(ctx, organisation, actor),
        summary: t('fediverse.actor.summary'),
        url: fctx.getActorUri(identifier),
        inbox: fctx.getInboxUri(identifier),
        outbox: fctx.getOutboxUri(identifier),
        followers: fctx.getFollowersUri(identifier),
        endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((key) => key.multikey),
        manuallyApprovesFollowers: false,
        discoverable: true,
        indexable: true,
        published: instant(actor.createdAt),
        attachments: fields.map((field) => new PropertyValue({ name: field.name, value: escapeText(field.value) })),
      };
      return identifier === NEWS_HANDLE ? new Service(values) : new Organization(values);
    })
    .mapHandle(async (fctx, username) => {
      const actor = await ensureActor(ctx, fctx.data.organisation, username);
      return actor ? actor.handle : null;
    })
    .setKeyPairsDispatcher(async (fctx, identifier) => {
      const actor = await findActor(ctx.db, fctx.data.organisation.id, identifier);
      if (!actor) return [];
      return importActorKeys(ctx.config.secretKey, actor);
    });

  federation
    .setFollowersDispatcher('/ap/actors/{identifier}/followers', async (fctx, identifier, cursor) => {
      const actor = await findActor(ctx.db, fctx.data.organisation.id, identifier);
      if (!actor) return null;
      if (cursor === null) return { items: [] };
      const after = parseCursor(cursor) ?? 0;
      const rows = await findFollowersPage(ctx.db, actor.id, after, PAGE_SIZE);
      const items: Recipient[] = rows.map((row) => ({
        id: new URL(row.remoteActor),
        inboxId: new URL(row.inbox),
        endpoints: row.sharedInbox ? { sharedInbox: new URL(row.sharedInbox) } : null,
      }));
      const last = rows.at(-1);
      return { items, nextCursor: rows.length === PAGE_SIZE && last ? String(last.id) : null };
    })
    .setCounter(async (fctx, identifier) => {
      const actor = await findActor(ctx.db, fctx.data.organisation.id, identifier);
      return actor ? countFollowers(ctx.db, actor.id) : null;
    })
    .setFirstCursor(() => '0');

  federation
    .setOutboxDispatcher('/ap/actors/{identifier}/outbox', async (fctx, identifier, cursor) => {
      const actor = await findActor(ctx.db, fctx.data.organisation.id, identifier);
      if (!actor) return null;
      if (cursor === null) return { items: [] };
      const before = cursor === '' ? null : parseCursor(cursor);
      const rows = await findObjectsPage(ctx.db, actor.id, before ?? null, PAGE_SIZE);
      const items = rows.map((row) => buildCreate(fctx, identifier, buildObject(fctx, identifier, row), row));
      const last = rows.at(-1);
      return { items, nextCursor: rows.length === PAGE_SIZE && last ? String(last.id) : null };
    })
    .setCounter(async (fctx, identifier) => {
      const actor = await findActor(ctx.db, fctx.data.organisation.id, identifier);
      return actor ? countObjects(ctx.db, actor.id) : null;
    })
    .setFirstCursor(() => '');

  const objectDispatcher = async (fctx: RequestContext<FediverseData>, values: { uuid: string }) => {
    const row = await findObjectByUuid(ctx.db, fctx.data.organisation.id, values.uuid);
    if (!row || row.deletedAt) return null;
    const actors = await findActors(ctx.db, fctx.data.organisation.id);
    const actor = actors.find((candidate) => candidate.id === row.actorId);
    return actor ? buildObject(fctx, actor.handle, row) : null;
  };
  federation.setObjectDispatcher(Note, '/ap/notes/{uuid}', async (fctx, values) => {
    const object = await objectDispatcher(fctx, values);
    return object instanceof Note ? object : null;
  });
  federation.setObjectDispatcher(Article, '/ap/articles/{uuid}', async (fctx, values) => {
    const object = await objectDispatcher(fctx, values);
    return object instanceof Article ? object : null;
  });

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async (fctx) => {
    const actors = await findActors(ctx.db, fctx.data.organisation.id);
    let posts = 0;
    for (const actor of actors) posts += await countObjects(ctx.db, actor.id);
    return {
      software: { name: 'interactive-city', version: '0.1.0', homepage: new URL('https://interactive.city/') },
      protocols: ['activitypub'],
      openRegistrations: false,
      usage: { users: { total: actors.length }, localPosts: posts, localComments: 0 },
      metadata: { nodeName: fctx.data.organisation.slug },
    };
  });
}

function parseCursor(cursor: string): number | null {
  return /^\d{1,10}$/.test(cursor) ? Number(cursor) : null;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}
