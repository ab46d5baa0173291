import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { localizedWithLanguage } from '../../platform/i18n/translate.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { cityName, formatDate, renderPage } from '../../platform/web/layout.ts';
import { findDistricts } from '../places/index.ts';
import { findLatestNews, findPublishedNewsBySlug, type NewsArticle } from './news.repository.ts';

/** A staff-written text in the reader's language, marked with the language it is really in. */
function text(request: FastifyRequest, value: Record<string, string>, tag: 'span' | 'p' = 'span'): Html {
  const { text: content, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  const attribute = lang === request.lang ? html`` : html` lang="${lang}"`;
  return tag === 'p' ? html`<p${attribute}>${content}</p>` : html`<span${attribute}>${content}</span>`;
}

/** Paragraphs from a text with blank lines between them. */
function paragraphs(request: FastifyRequest, value: Record<string, string>): Html {
  const { text: content, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  const attribute = lang === request.lang ? html`` : html` lang="${lang}"`;
  return html`<div${attribute}>${content.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}</div>`;
}

function newsCard(request: FastifyRequest, article: NewsArticle): Html {
  return html`<li class="card">
  <h3><a href="/news/${article.slug}">${text(request, article.title)}</a></h3>
  <p class="muted"><time datetime="${article.publishedAt.toISOString()}">${formatDate(request, article.publishedAt)}</time></p>
  ${text(request, article.summary, 'p')}
</li>`;
}

export function registerCityPages(app: App, ctx: AppContext): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { t, organisation } = request;
    const [districts, news] = await Promise.all([
      findDistricts(ctx.db, organisation.id),
      findLatestNews(ctx.db, organisation.id, 4),
    ]);
    const sections = await Promise.all(ctx.registry.homeSections.map((section) => section.render(request, ctx)));
    const tagline = organisation.branding.tagline;
    return renderPage(request, reply, {
      title: t('site.home'),
      description: t('home.lead'),
      main: html`<section class="hero" aria-labelledby="home-title">
  <h1 id="home-title">${t('home.title', { city: cityName(request) })}</h1>
  ${tagline ? text(request, tagline, 'p') : ''}
  <p>${t('home.lead')}</p>
  ${request.viewer ? '' : html`<p><a class="button" href="/sign-up">${t('site.signUp')}</a> <a class="button button--secondary" href="/sign-in">${t('site.signIn')}</a></p>`}
</section>
${sections}
<section aria-labelledby="home-news">
  <h2 id="home-news">${t('home.news')}</h2>
  ${news.length === 0 ? html`<p>${t('home.news.empty')}</p>` : html`<ul class="cards">${news.map((article) => newsCard(request, article))}</ul>`}
  <p><a href="/news">${t('site.news')}</a></p>
</section>
<section aria-labelledby="home-districts">
  <h2 id="home-districts">${t('home.districts')}</h2>
  ${
    districts.length === 0
      ? html`<p>${t('home.districts.empty')}</p>`
      : html`<ul class="cards">${districts
          .filter((d) => d.kind === 'district')
          .map(
            (d) =>
              html`<li class="card"><h3><a href="/districts#district-${d.code}">${text(request, d.name)}</a></h3>${d.population ? html`<p class="muted">${request.t('home.districts.population', { count: d.population })}</p>` : ''}</li>`,
          )}</ul>`
  }
</section>`,
    });
  });

  app.get('/news', { schema: { hide: true } }, async (request, reply) => {
    const { t, organisation } = request;
    const news = await findLatestNews(ctx.db, organisation.id, 50);
    return renderPage(request, reply, {
      title: t('news.title', { city: cityName(request) }),
      main: html`<h1>${t('news.title', { city: cityName(request) })}</h1>
${news.length === 0 ? html`<p>${t('home.news.empty')}</p>` : html`<ul class="cards">${news.map((article) => newsCard(request, article))}</ul>`}`,
    });
  });

  app.get('/news/:slug', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const article = await findPublishedNewsBySlug(ctx.db, request.organisation.id, slug);
    if (!article) {
      reply.callNotFound();
      return reply;
    }
    const title = localizedWithLanguage(article.title, request.lang, request.organisation.defaultLanguage).text;
    return renderPage(request, reply, {
      title,
      description: localizedWithLanguage(article.summary, request.lang, request.organisation.defaultLanguage).text,
      ogType: 'article',
      main: html`<article>
  <h1>${text(request, article.title)}</h1>
  <p class="muted">${request.t('news.published', { date: formatDate(request, article.publishedAt) })}</p>
  ${paragraphs(request, article.body)}
</article>
<p><a href="/news">${request.t('news.back')}</a></p>`,
    });
  });
}
