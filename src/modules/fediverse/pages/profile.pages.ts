import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { actorName, ensureActor } from '../actors.ts';
import { countFollowers } from '../fediverse.repository.ts';
import { findObjectsPage } from '../objects.repository.ts';

/**
 * An actor's address opened in a browser: the account's page, with its handle to follow from any server,
 * its profile fields and latest posts (the JSON of the same address is for servers).
 */
export async function renderActorProfile(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: string,
): Promise<FastifyReply> {
  const { t, organisation } = request;
  const actor = await ensureActor(ctx, organisation, handle);
  if (!actor) throw new AppError('FEDIVERSE_ACTOR_NOT_FOUND');
  const name = await actorName(ctx, organisation, actor);
  const host = new URL(request.server.publicUrl).host;
  const cityHost = organisation.publicUrl ? new URL(organisation.publicUrl).host : host;
  const address = `@${actor.handle}@${organisation.isDefault ? host : (organisation.hosts[0] ?? cityHost)}`;
  const followers = await countFollowers(ctx.db, actor.id);
  const posts = await findObjectsPage(ctx.db, actor.id, null, 20);
  const fields = [
    { label: t('fediverse.field.address'), value: actor.address },
    { label: t('fediverse.field.hours'), value: actor.openingHours },
    { label: t('fediverse.field.accessibility'), value: actor.accessibility },
  ].filter((field) => field.value.trim() !== '');
  reply.header('vary', 'Accept');
  return renderPage(request, reply, {
    title: name,
    main: html`<h1>${name}</h1>
<p>${t('fediverse.profile.follow', { address })}</p>
<p><code>${address}</code></p>
<p>${t('fediverse.profile.followers', { count: followers })}</p>
${
  fields.length > 0
    ? html`<dl class="stack">${fields.map((field) => html`<dt>${field.label}</dt><dd style="white-space: pre-line">${field.value}</dd>`)}</dl>`
    : ''
}
<h2>${t('fediverse.profile.posts')}</h2>
${
  posts.length === 0
    ? html`<p>${t('fediverse.profile.noPosts')}</p>`
    : html`<ul class="stack">${posts.map(
        (post) =>
          html`<li lang="${post.language}">${post.title ? html`<h3>${post.title}</h3>` : ''}<p style="white-space: pre-line">${post.content}</p>${
            post.url ? html`<p><a href="${post.url}">${t('fediverse.profile.read')}</a></p>` : ''
          }</li>`,
      )}</ul>`
}`,
  });
}
