import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { findFeaturedPosts } from '../posts.repository.ts';
import { postCard } from './post-card.ts';

/** The site's page of residents' posts shown with their authors' consent. */
export function registerPublicPages(app: App, ctx: AppContext): void {
  app.get('/residents', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const posts = await findFeaturedPosts(ctx.db, request.organisation.id, 100);
    return renderPage(request, reply, {
      title: t('residentContent.public.title'),
      main: html`<h1>${t('residentContent.public.title')}</h1><p>${t('residentContent.public.lead')}</p>${
        posts.length === 0
          ? html`<p>${t('residentContent.public.none')}</p>`
          : html`<ul class="cards">${posts.map((p) => html`<li>${postCard(request, p, { licence: p.licence, headingLevel: 2 })}</li>`)}</ul>`
      }`,
    });
  });
}

/** The home page's block: the three latest featured posts. */
export async function renderResidentsHomeSection(request: FastifyRequest, ctx: AppContext): Promise<Html | null> {
  const posts = await findFeaturedPosts(ctx.db, request.organisation.id, 3);
  if (posts.length === 0) return null;
  const { t } = request;
  return html`<section aria-labelledby="home-residents"><h2 id="home-residents">${t('residentContent.home.title')}</h2>
<ul class="cards">${posts.map((p) => html`<li>${postCard(request, p, { licence: p.licence })}</li>`)}</ul>
<p><a href="/residents">${t('residentContent.home.more')}</a></p></section>`;
}
