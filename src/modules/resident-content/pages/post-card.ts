import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import { LICENCE_URLS, LICENCES, PERIODS, isLicence, type Licence } from '../licences.ts';
import type { ResidentPost } from '../posts.repository.ts';
import { licenceLabel, periodLabel } from '../resident-content.messages.ts';

/** The author's words, escaped, with their paragraphs and line breaks. */
function body(text: string | null): Html {
  if (!text) return html``;
  return html`${text.split(/\n{2,}/).map((p) => html`<p>${p.split('\n').map((line, i) => html`${i > 0 ? raw('<br>') : ''}${line}`)}</p>`)}`;
}

/**
 * A resident's post as the site shows it: the author's name and handle linking to their profile, the
 * words (escaped), the pictures as links to the author's server described by the author's own alt text
 * (never loaded from there: the visitor's address is not handed to another server), a link to the
 * original, and the licence when given.
 */
export function postCard(
  request: FastifyRequest,
  post: ResidentPost,
  options: { licence?: string; headingLevel?: 2 | 3 } = {},
): Html {
  const { t } = request;
  const name = post.authorName ?? post.authorHandle ?? post.authorId;
  const author = post.authorUrl ? html`<a href="${post.authorUrl}" rel="nofollow ugc">${name}</a>` : html`${name}`;
  const heading = options.headingLevel === 2 ? 'h2' : 'h3';
  const licence = options.licence && isLicence(options.licence) ? options.licence : undefined;
  const licenceUrl = licence ? LICENCE_URLS[licence] : null;
  return html`<article class="card resident-post" lang="${post.language ?? ''}">
${raw(`<${heading}>`)}${author}${post.authorHandle && post.authorName ? html` <span class="handle">${post.authorHandle}</span>` : ''}${raw(`</${heading}>`)}
${body(post.body)}
${
  post.media.length > 0
    ? html`<ul class="resident-media">${post.media.map(
        (m) =>
          html`<li><a href="${m.url}" rel="nofollow ugc">${m.alt ? t('residentContent.card.picture', { alt: m.alt }) : t('residentContent.card.pictureNoAlt')}</a></li>`,
      )}</ul>`
    : ''
}
<p class="meta">#${post.hashtag} · <time datetime="${post.postedAt.toISOString()}">${formatDate(request, post.postedAt)}</time> · <a href="${post.remoteUrl}" rel="nofollow ugc">${t('residentContent.card.original')}</a>${
    licence
      ? html` · ${licenceUrl ? html`<a href="${licenceUrl}" rel="license">${licenceLabel(t, licence)}</a>` : licenceLabel(t, licence)}`
      : ''
  }</p></article>`;
}

/** Radio buttons in a fieldset (usable without JavaScript, one legend read by screen readers). */
export function choices(
  legend: string,
  name: string,
  options: ReadonlyArray<{ value: string; label: string }>,
  checked: string,
): Html {
  return html`<fieldset><legend>${legend}</legend>${options.map(
    (o, i) =>
      html`<div class="choice"><input type="radio" id="${name}-${i}" name="${name}" value="${o.value}"${o.value === checked ? raw(' checked') : ''}> <label for="${name}-${i}">${o.label}</label></div>`,
  )}</fieldset>`;
}

export function licenceChoices(request: FastifyRequest, checked: string, legend: string): Html {
  return choices(
    legend,
    'licence',
    LICENCES.map((l: Licence) => ({ value: l, label: licenceLabel(request.t, l) })),
    checked,
  );
}

export function periodChoices(request: FastifyRequest, checked: string, legend: string): Html {
  return choices(
    legend,
    'months',
    PERIODS.map((m) => ({ value: String(m), label: periodLabel(request.t, m) })),
    checked,
  );
}
