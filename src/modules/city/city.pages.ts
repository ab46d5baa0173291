import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { localizedWithLanguage } from '../../platform/i18n/translate.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { cityName, formatDate, renderPage } from '../../platform/web/layout.ts';
import { newsletterSignup } from '../newsletter/index.ts';
import { findDistricts } from '../places/index.ts';
import {
  feedLinks,
  findFeedSubjects,
  findNewsPostBySlug,
  findNewsPosts,
  mediaPath,
  newsPath,
  newsSummary,
  newsText,
  type FeedScope,
  type NewsPost,
} from '../publishing/index.ts';

/** A staff-written text in the reader's language, marked with the language it is really in. */
function text(request: FastifyRequest, value: Record<string, string>, tag: 'span' | 'p' = 'span'): Html {
  const { text: content, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  const attribute = lang === request.lang ? html`` : html` lang="${lang}"`;
  return tag === 'p' ? html`<p${attribute}>${content}</p>` : html`<span${attribute}>${content}</span>`;
}

/** A text of a post in the reader's language (else the city's), marked with the language it is in. */
function postText(request: FastifyRequest, post: NewsPost) {
  const text = newsText(post, request.lang, request.organisation.defaultLanguage);
  return text
    ? { ...text, attribute: text.language === request.lang ? html`` : html` lang="${text.language}"` }
    : undefined;
}

function newsCard(request: FastifyRequest, post: NewsPost): Html {
  const text = postText(request, post);
  if (!text) return html``;
  return html`<li class="card"${text.attribute}>
  <h3><a href="${newsPath(post.slug)}">${text.title}</a></h3>
  <p class="muted"><time datetime="${post.publishedAt.toISOString()}">${formatDate(request, post.publishedAt)}</time></p>
  <p>${newsSummary(text)}</p>
</li>`;
}

/** The feeds of the city's news in each format, per department and campaign, with the page's own first. */
function followSection(
  request: FastifyRequest,
  subjects: Awaited<ReturnType<typeof findFeedSubjects>>,
  feeds: ReturnType<typeof feedLinks>,
): Html {
  const name = (value: Record<string, string>) =>
    localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage).text;
  const links = (scope: FeedScope, label: string) =>
    html`<li>${label}: ${feedLinks(request, scope, label).map(
      (feed, index) =>
        html`${index ? ' · ' : ''}<a href="${feed.href}" type="${feed.type}">${feed.title.split(':')[0]}</a>`,
    )}</li>`;
  return html`<section aria-labelledby="news-follow">
  <h2 id="news-follow">${request.t('publishing.news.follow')}</h2>
  <p>${request.t('publishing.news.followText')}</p>
  <ul>${feeds.map((feed) => html`<li><a href="${feed.href}" type="${feed.type}">${feed.title}</a></li>`)}</ul>
  ${
    subjects.departments.length + subjects.campaigns.length
      ? html`<details><summary>${request.t('publishing.news.followMore')}</summary><ul>
    ${subjects.departments.map((d) => links({ kind: 'department', slug: d.slug }, name(d.name)))}
    ${subjects.campaigns.map((c) => links({ kind: 'campaign', slug: c.slug }, name(c.name)))}
  </ul></details>`
      : ''
  }
</section>`;
}

export function registerCityPages(app: App, ctx: AppContext): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { t, organisation } = request;
    const [districts, news] = await Promise.all([
      findDistricts(ctx.db, organisation.id),
      findNewsPosts(ctx.db, organisation.id, {}, 4),
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
    const query = request.query as Record<string, unknown>;
    const subjects = await findFeedSubjects(ctx.db, organisation.id);
    const department =
      typeof query.department === 'string' ? subjects.departments.find((d) => d.slug === query.department) : undefined;
    const campaign =
      typeof query.campaign === 'string' ? subjects.campaigns.find((c) => c.slug === query.campaign) : undefined;
    if ((query.department !== undefined && !department) || (query.campaign !== undefined && !campaign)) {
      reply.callNotFound();
      return reply;
    }
    const news = await findNewsPosts(
      ctx.db,
      organisation.id,
      { departmentId: department?.id, campaignId: campaign?.id },
      50,
    );
    const subject = department ?? campaign;
    const subjectName = subject
      ? localizedWithLanguage(subject.name, request.lang, organisation.defaultLanguage).text
      : undefined;
    const scope: FeedScope = department
      ? { kind: 'department', slug: department.slug }
      : campaign
        ? { kind: 'campaign', slug: campaign.slug }
        : { kind: 'city' };
    const title = subjectName
      ? t('publishing.news.subjectTitle', { name: subjectName, city: cityName(request) })
      : t('news.title', { city: cityName(request) });
    const feeds = feedLinks(request, scope, title);
    return renderPage(request, reply, {
      title,
      feeds,
      main: html`<h1>${title}</h1>
${subject ? html`<p><a href="/news">${t('news.back')}</a></p>` : ''}
${news.length === 0 ? html`<p>${t('home.news.empty')}</p>` : html`<ul class="cards">${news.map((post) => newsCard(request, post))}</ul>`}
${followSection(request, subjects, feeds)}
${newsletterSignup(request)}`,
    });
  });

  app.get('/news/:slug', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const post = await findNewsPostBySlug(ctx.db, request.organisation.id, slug);
    const text = post && postText(request, post);
    if (!post || !text) {
      reply.callNotFound();
      return reply;
    }
    const warning = localizedWithLanguage(
      post.contentWarning,
      text.language,
      request.organisation.defaultLanguage,
    ).text;
    const body = html`${text.body.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
${post.media.map((media) => {
  const alt = localizedWithLanguage(media.alt, text.language, request.organisation.defaultLanguage).text;
  return html`<figure><img src="${mediaPath(media.id)}" alt="${alt}"${media.width ? html` width="${media.width}"` : ''}${media.height ? html` height="${media.height}"` : ''}></figure>`;
})}`;
    return renderPage(request, reply, {
      title: text.title,
      description: newsSummary(text),
      ogType: 'article',
      feeds: feedLinks(request, { kind: 'city' }, request.t('news.title', { city: cityName(request) })),
      main: html`<article>
  <h1${text.attribute}>${text.title}</h1>
  <p class="muted">${request.t('news.published', { date: formatDate(request, post.publishedAt) })}</p>
  ${
    warning
      ? html`<details class="content-warning"><summary>${request.t('publishing.news.contentWarning', { warning })}</summary><div${text.attribute}>${body}</div></details>`
      : html`<div${text.attribute}>${body}</div>`
  }
</article>
<p><a href="/news">${request.t('news.back')}</a></p>`,
    });
  });
}
