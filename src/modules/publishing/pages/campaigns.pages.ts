import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { readForm, translatedValue } from '../../../platform/web/forms.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { findCampaign, findCampaigns } from '../campaigns.repository.ts';
import { saveCampaign, type CampaignInput } from '../campaigns.use-cases.ts';
import { CampaignForm } from '../publishing.forms.ts';
import { authorizePublishing } from '../publishing.policy.ts';
import { fieldTexts, paramOf, publishingPage } from './shared.ts';

function campaignForm(
  request: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  input: CampaignInput,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t } = request;
  const title = t(id === undefined ? 'publishing.campaigns.new' : 'publishing.campaigns.edit');
  return publishingPage(request, reply, {
    title,
    status,
    main: html`<h1>${title}</h1>${errorSummary(request, errors)}
<form method="post" action="/staff/publishing/campaigns/${id ?? 'new'}" novalidate>${csrfField(request)}
${translatedInputs(request, 'name', 'publishing.campaigns.name', input.name, errors)}
${translatedInputs(request, 'goal', 'publishing.campaigns.goal', input.goal, errors, true)}
${field({ name: 'slug', label: t('publishing.campaigns.slug'), hint: t('publishing.campaigns.slugHint'), value: input.slug, error: errors.slug, maxlength: 80 })}
${field({ name: 'startsOn', label: t('publishing.campaigns.startsOn'), type: 'date', value: input.startsOn ?? '', error: errors.startsOn })}
${field({ name: 'endsOn', label: t('publishing.campaigns.endsOn'), type: 'date', value: input.endsOn ?? '', error: errors.endsOn })}
${field({ name: 'hashtags', label: t('publishing.campaigns.hashtags'), hint: t('publishing.campaigns.hashtagsHint'), value: input.hashtags, error: errors.hashtags })}
${field({ name: 'utmSource', label: t('publishing.campaigns.utmSource'), hint: t('publishing.campaigns.utmSourceHint'), value: input.utmSource ?? '', error: errors.utmSource })}
${field({ name: 'utmMedium', label: t('publishing.campaigns.utmMedium'), value: input.utmMedium ?? '', error: errors.utmMedium })}
${field({ name: 'utmCampaign', label: t('publishing.campaigns.utmCampaign'), value: input.utmCampaign ?? '', error: errors.utmCampaign })}
<button type="submit" class="button">${t('publishing.action.save')}</button></form>`,
  });
}

async function handleSave(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, id: number | undefined) {
  authorizePublishing(request.viewer, 'campaigns');
  const languages = request.organisation.languages;
  const form = readForm(CampaignForm(languages), request.body);
  const value = (form.ok ? form.value : form.input) as Record<string, unknown>;
  const text = (name: string) => (typeof value[name] === 'string' ? value[name].trim() : '');
  const input: CampaignInput = {
    slug: text('slug'),
    name: translatedValue(value, 'name', languages),
    goal: translatedValue(value, 'goal', languages),
    startsOn: text('startsOn') || null,
    endsOn: text('endsOn') || null,
    hashtags: text('hashtags'),
    utmSource: text('utmSource') || null,
    utmMedium: text('utmMedium') || null,
    utmCampaign: text('utmCampaign') || null,
  };
  const formErrors = form.ok ? {} : Object.fromEntries(form.errors.map((e) => [e.field, e.code]));
  const outcome = Object.keys(formErrors).length
    ? { ok: false as const, fields: formErrors }
    : await saveCampaign(ctx, request.viewer, request.organisation, id, input);
  if (!outcome.ok) return campaignForm(request, reply, id, input, fieldTexts(request, outcome.fields), 400);
  setNotice(reply, 'publishing.notice.campaignSaved');
  return reply.redirect('/staff/publishing/campaigns', 303);
}

export function registerCampaignPages(app: App, ctx: AppContext): void {
  app.get('/staff/publishing/campaigns', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'campaigns');
    const { t, organisation } = request;
    const campaigns = await findCampaigns(ctx.db, organisation.id);
    return publishingPage(request, reply, {
      title: t('publishing.campaigns.title'),
      main: html`<h1>${t('publishing.campaigns.title')}</h1><p><a class="button" href="/staff/publishing/campaigns/new">${t('publishing.campaigns.new')}</a></p>
${
  campaigns.length === 0
    ? html`<p>${t('publishing.campaigns.none')}</p>`
    : html`<table class="publishing-table"><thead><tr><th scope="col">${t('publishing.campaigns.name')}</th><th scope="col">${t('publishing.campaigns.dates')}</th><th scope="col">${t('publishing.campaigns.hashtags')}</th></tr></thead>
<tbody>${campaigns.map((c) => html`<tr><td><a href="/staff/publishing/campaigns/${c.id}">${localized(c.name, request.lang, organisation.defaultLanguage)}</a></td><td>${c.startsOn ?? '…'} – ${c.endsOn ?? '…'}</td><td>${c.hashtags.map((h) => `#${h}`).join(' ')}</td></tr>`)}</tbody></table>`
}`,
    });
  });
  app.get('/staff/publishing/campaigns/new', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'campaigns');
    return campaignForm(request, reply, undefined, {
      slug: '',
      name: {},
      goal: {},
      startsOn: null,
      endsOn: null,
      hashtags: '',
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
    });
  });
  app.post('/staff/publishing/campaigns/new', { schema: { hide: true } }, (request, reply) =>
    handleSave(ctx, request, reply, undefined),
  );
  app.get('/staff/publishing/campaigns/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'campaigns');
    const id = paramOf(request, 'id');
    const campaign = id === undefined ? undefined : await findCampaign(ctx.db, request.organisation.id, id);
    if (!campaign) throw new AppError('PUBLISHING_CAMPAIGN_NOT_FOUND');
    return campaignForm(request, reply, campaign.id, {
      ...campaign,
      hashtags: campaign.hashtags.map((h) => `#${h}`).join(' '),
    });
  });
  app.post('/staff/publishing/campaigns/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = paramOf(request, 'id');
    if (id === undefined) throw new AppError('PUBLISHING_CAMPAIGN_NOT_FOUND');
    return handleSave(ctx, request, reply, id);
  });
}
