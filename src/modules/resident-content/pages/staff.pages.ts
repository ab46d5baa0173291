import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { parseId } from '../../../platform/validation.ts';
import { findConsentsOfPost } from '../consent.repository.ts';
import { askConsent, dismissPost } from '../consent.use-cases.ts';
import { isLicence } from '../licences.ts';
import { findPostsInStates, type ResidentPost } from '../posts.repository.ts';
import { authorizeResidentContent } from '../resident-content.policy.ts';
import { AskForm } from '../resident-content.forms.ts';
import { licenceLabel } from '../resident-content.messages.ts';
import { choices, licenceChoices, periodChoices, postCard } from './post-card.ts';

const BASE = '/staff/publishing/residents';

function idOf(request: FastifyRequest): number {
  const id = parseId((request.params as Record<string, unknown>).id);
  if (id === undefined) throw new AppError('RESIDENT_POST_NOT_FOUND');
  return id;
}

function askForm(request: FastifyRequest, post: ResidentPost) {
  const { t } = request;
  return html`<details><summary>${t('residentContent.staff.ask')}</summary>
<form method="post" action="${BASE}/${post.id}/ask">${csrfField(request)}
${licenceChoices(request, 'cc-by-4.0', t('residentContent.staff.licence'))}
${periodChoices(request, '12', t('residentContent.staff.period'))}
${choices(
  t('residentContent.staff.via'),
  'via',
  [
    { value: 'reply', label: t('residentContent.staff.viaReply') },
    { value: 'direct', label: t('residentContent.staff.viaDirect') },
  ],
  'reply',
)}
<button type="submit" class="button">${t('residentContent.staff.send')}</button></form></details>`;
}

function dismissForm(request: FastifyRequest, post: ResidentPost) {
  return html`<form method="post" action="${BASE}/${post.id}/dismiss">${csrfField(request)}<button type="submit" class="button secondary">${request.t('residentContent.staff.dismiss')}</button></form>`;
}

async function listPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  authorizeResidentContent(request.viewer);
  const { t, organisation } = request;
  const posts = await findPostsInStates(ctx.db, organisation.id, ['collected', 'asked', 'featured']);
  const section = (title: string, id: string, list: ResidentPost[], extra: (p: ResidentPost) => Promise<Html>) =>
    Promise.all(list.map(async (p) => html`<li>${postCard(request, p)}${await extra(p)}</li>`)).then(
      (items) =>
        html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${
          items.length === 0 ? html`<p>${t('residentContent.staff.none')}</p>` : html`<ul class="cards">${items}</ul>`
        }</section>`,
    );
  const collected = await section(
    t('residentContent.staff.collected'),
    'residents-collected',
    posts.filter((p) => p.state === 'collected'),
    (p) => Promise.resolve(html`${askForm(request, p)}${dismissForm(request, p)}`),
  );
  const asked = await section(
    t('residentContent.staff.asked'),
    'residents-asked',
    posts.filter((p) => p.state === 'asked'),
    (p) => Promise.resolve(dismissForm(request, p)),
  );
  const featured = await section(
    t('residentContent.staff.featured'),
    'residents-featured',
    posts.filter((p) => p.state === 'featured'),
    async (p) => {
      const [consent] = await findConsentsOfPost(ctx.db, p.id);
      return html`${
        consent
          ? html`<p>${t('residentContent.staff.consentRecord', {
              author: consent.author_id,
              date: formatDate(request, new Date(consent.granted_at), true),
              licence: isLicence(consent.licence) ? licenceLabel(t, consent.licence) : consent.licence,
              until: consent.valid_until
                ? formatDate(request, new Date(consent.valid_until))
                : t('residentContent.period.untilWithdrawn'),
              via: t(consent.via === 'keyword' ? 'residentContent.via.keyword' : 'residentContent.via.link'),
            })}</p>`
          : ''
      }${dismissForm(request, p)}`;
    },
  );
  return renderPage(request, reply, {
    title: t('residentContent.staff.title'),
    noIndex: true,
    main: html`<h1>${t('residentContent.staff.title')}</h1><p>${t('residentContent.staff.lead')}</p>
<p><a href="/residents">${t('residentContent.staff.publicPage')}</a></p>${collected}${asked}${featured}`,
  });
}

export function registerStaffPages(app: App, ctx: AppContext): void {
  app.get(BASE, { schema: { hide: true } }, (request, reply) => listPage(ctx, request, reply));
  app.post(`${BASE}/:id/ask`, { schema: { hide: true } }, async (request, reply) => {
    const id = idOf(request);
    const form = readForm(AskForm, request.body);
    const value = form.ok ? form.value : { licence: '', months: '', via: '' };
    await askConsent(ctx, request.viewer, request.organisation, id, value);
    setNotice(reply, 'residentContent.notice.asked');
    return reply.redirect(BASE, 303);
  });
  app.post(`${BASE}/:id/dismiss`, { schema: { hide: true } }, async (request, reply) => {
    await dismissPost(ctx, request.viewer, request.organisation, idOf(request));
    setNotice(reply, 'residentContent.notice.dismissed');
    return reply.redirect(BASE, 303);
  });
}
