import { randomUUID } from 'node:crypto';
import type { InboxContext } from '@fedify/fedify';
import { Create, Document, Hashtag, isActor, Link, Mention, PUBLIC_COLLECTION } from '@fedify/vocab';
import type { Actor, Article, Note } from '@fedify/vocab';
import type { AppContext } from '../../platform/context.ts';
import type { ChannelReplySender } from '../../platform/module.ts';
import { FEDIVERSE_NOTE_SENDER, receiveFediverseNote } from '../resident-content/index.ts';
import { cityLanguage, ensureActor } from './actors.ts';
import { contextFor, deliverTo } from './delivery.ts';
import { NEWS_HANDLE } from './fediverse.repository.ts';
import type { FediverseData } from './federation-types.ts';
import { insertObject } from './objects.repository.ts';
import { buildObject, htmlToText, instant, objectUri } from './objects.ts';

/**
 * Residents' content on the fediverse (the resident-content module): notes reaching the city's inboxes
 * that carry a hashtag, or answer one of the city's notes, are handed over with what their author's
 * actor says about discovery (`discoverable`, `indexable`); and the city's news desk sends the consent
 * request as a note to the author (`fediverse-note` sender: a reply mentioning them, or a direct note).
 */
export async function handOverNote(
  ctx: AppContext,
  fctx: InboxContext<FediverseData>,
  create: Create,
  note: Note | Article,
): Promise<void> {
  if (!note.id || !create.actorId) return;
  const hashtags: string[] = [];
  try {
    for await (const tag of note.getTags(fctx))
      if (tag instanceof Hashtag && tag.name) hashtags.push(tag.name.toString());
  } catch {
    return;
  }
  const answersCity = note.replyTargetId ? fctx.parseUri(note.replyTargetId)?.type === 'object' : false;
  if (hashtags.length === 0 && !answersCity) return;
  let author: Actor | null;
  try {
    const found = await create.getActor(fctx);
    author = found && isActor(found) ? found : null;
  } catch {
    author = null;
  }
  if (!author?.id || author.id.href !== create.actorId.href) return;
  const media = [];
  try {
    for await (const attachment of note.getAttachments(fctx)) {
      if (!(attachment instanceof Document)) continue;
      const address = attachment.url;
      const url = address instanceof URL ? address : address instanceof Link ? address.href : null;
      if (url) media.push({ url: url.href, alt: attachment.name?.toString() ?? null });
    }
  } catch {
    // pictures that cannot be read are left out
  }
  const content = note.content;
  const username = author.preferredUsername?.toString();
  const published = note.published as { epochMilliseconds?: unknown } | null;
  const url = note.url instanceof URL ? note.url.href : note.url instanceof Link ? (note.url.href?.href ?? null) : null;
  const icon = author.url instanceof URL ? author.url.href : null;
  const handed = receiveFediverseNote(ctx, fctx.data.organisation, {
    iri: note.id.href,
    url: url ?? note.id.href,
    author: {
      iri: author.id.href,
      handle: username ? `@${username}@${author.id.host}` : null,
      name: author.name?.toString() ?? username ?? null,
      url: icon,
      discoverable: author.discoverable,
      indexable: author.indexable,
    },
    inReplyTo: note.replyTargetId?.href ?? null,
    text: htmlToText(typeof content === 'string' ? content : (content?.toString() ?? '')).slice(0, 5000),
    hashtags,
    public: note.toIds.some((id) => id.href === PUBLIC_COLLECTION.href),
    language: typeof content === 'object' && content && 'locale' in content ? content.locale.language : null,
    media,
    publishedAt: typeof published?.epochMilliseconds === 'number' ? new Date(published.epochMilliseconds) : new Date(),
  });
  // residents' content never stops the reply from reaching the inbox
  await handed.catch((error: unknown) => {
    ctx.log.warn({ error: (error as Error).message }, 'fediverse: a note could not be handed to residents content');
  });
}

/**
 * Sends a note from the city's news desk to a resident about one of their notes. The thread key is
 * `<public|direct> <their note>`: public is a reply mentioning them (addressed to them, the public in
 * copy), direct is addressed to them alone.
 */
export const residentNoteSender: ChannelReplySender = {
  kind: FEDIVERSE_NOTE_SENDER,
  async send(ctx, message) {
    const organisation = await ctx.organisations.findById(message.organisationId);
    if (!organisation) throw new Error('The city does not exist.');
    const [visibility, noteIri] = message.threadKey.split(' ');
    const actor = await ensureActor(ctx, organisation, NEWS_HANDLE);
    if (!actor) throw new Error('The city has no news desk actor.');
    const fctx = contextFor(ctx, organisation);
    const remote = await fctx.lookupObject(message.to);
    if (!remote || !isActor(remote) || !remote.id || !remote.inboxId) throw new Error("The person's account is gone.");
    const username = remote.preferredUsername?.toString();
    const mention = username ? `@${username}@${remote.id.host}` : null;
    const row = await insertObject(ctx.db, {
      organisationId: organisation.id,
      actorId: actor.id,
      uuid: randomUUID(),
      postId: null,
      deliveryId: null,
      type: 'Note',
      title: null,
      content: mention && !message.text.startsWith(mention) ? `${mention} ${message.text}` : message.text,
      summary: null,
      language: cityLanguage(organisation),
      url: null,
      hashtags: [],
      attachments: [],
      inReplyTo: message.inReplyTo ?? noteIri ?? null,
      replyToActor: remote.id.href,
      publishedAt: new Date(),
    });
    const base = buildObject(fctx, actor.handle, row);
    const note = base.clone({
      ...(visibility === 'direct' ? { ccs: [] } : {}),
      tags: mention ? [new Mention({ href: remote.id, name: mention })] : [],
    });
    await deliverTo(
      ctx,
      organisation,
      actor,
      remote,
      new Create({
        id: new URL(`${objectUri(fctx, row).href}#create`),
        actor: fctx.getActorUri(actor.handle),
        object: note,
        tos: note.toIds,
        ccs: note.ccIds,
        published: instant(row.publishedAt),
      }),
      `fediverse:object:${row.uuid}`,
    );
    return { externalId: objectUri(fctx, row).href };
  },
};
