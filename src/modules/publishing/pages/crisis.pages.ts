import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { zonedTime } from '../../../platform/i18n/days.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { isStorableIsoDate } from '../../../platform/validation.ts';
import { startCrisisBroadcast } from '../crisis.use-cases.ts';
import { findProblemDeliveries } from '../delivery.repository.ts';
import { findDestinations } from '../destinations.repository.ts';
import { authorizePublishing } from '../publishing.policy.ts';
import { findAllSteps } from '../approval.repository.ts';
import { findDepartmentChoices, findPostSummaries } from '../posts.repository.ts';
import { readableDepartments } from './posts.pages.ts';
import { bodyText, fieldTexts, languageName, publishingPage, textareaField } from './shared.ts';

function crisisForm(
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string>,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t, organisation } = request;
  return publishingPage(request, reply, {
    title: t('publishing.crisis.title'),
    status,
    main: html`<h1>${t('publishing.crisis.title')}</h1><p>${t('publishing.crisis.intro')}</p>${errorSummary(request, errors)}
<form method="post" action="/staff/publishing/crisis" novalidate>${csrfField(request)}
${organisation.languages.map(
  (language) => html`<fieldset><legend>${languageName(language)}</legend>
${field({ name: `title_${language}`, label: t('publishing.field.title'), value: values[`title_${language}`] ?? '', maxlength: 200 })}
${textareaField({ name: `body_${language}`, label: t('publishing.field.body'), value: values[`body_${language}`] ?? '', error: errors[`body_${language}`], lang: language, rows: 4 })}</fieldset>`,
)}
${field({ name: 'pinnedDay', label: t('publishing.crisis.pinnedDay'), type: 'date', value: values.pinnedDay ?? '', error: errors.pinnedDay })}
<div class="field"><label for="pinnedTime">${t('publishing.field.time')}</label><input type="time" id="pinnedTime" name="pinnedTime" value="${values.pinnedTime ?? ''}"></div>
<button type="submit" class="button">${t('publishing.crisis.start')}</button></form>`,
  });
}

export function registerCrisisPages(app: App, ctx: AppContext): void {
  app.get('/staff/publishing/crisis', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'write');
    return crisisForm(request, reply, {});
  });
  app.post('/staff/publishing/crisis', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'write');
    const { organisation } = request;
    const values: Record<string, string> = {};
    for (const name of [
      'pinnedDay',
      'pinnedTime',
      ...organisation.languages.flatMap((l) => [`title_${l}`, `body_${l}`]),
    ])
      values[name] = bodyText(request.body, name).replace(/\r\n/g, '\n');
    const day = values.pinnedDay ?? '';
    const time = /^([01]\d|2[0-3]):[0-5]\d$/.test(values.pinnedTime ?? '') ? (values.pinnedTime as string) : '23:59';
    const pinnedUntil = isStorableIsoDate(day) ? zonedTime(day, time, organisation.timeZone) : null;
    const texts = Object.fromEntries(
      organisation.languages.map((language) => [
        language,
        { title: values[`title_${language}`] || null, body: values[`body_${language}`] ?? '' },
      ]),
    );
    const viewer = request.viewer;
    const departmentId =
      viewer.role !== 'admin' && viewer.departmentIds[0] !== undefined ? viewer.departmentIds[0] : null;
    const outcome = await startCrisisBroadcast(ctx, viewer, organisation, { texts, pinnedUntil, departmentId });
    if (!outcome.ok && 'fields' in outcome)
      return crisisForm(request, reply, values, fieldTexts(request, outcome.fields), 400);
    if ('id' in outcome) {
      setNotice(reply, outcome.ok ? 'publishing.notice.emergencyStarted' : 'publishing.problem.blocking');
      return reply.redirect(`/staff/publishing/posts/${outcome.id}`, 303);
    }
    return reply.redirect('/staff/publishing', 303);
  });

  app.get('/staff/publishing/failures', { schema: { hide: true } }, async (request, reply) => {
    authorizePublishing(request.viewer, 'write');
    const { t } = request;
    const [all, destinations, posts, departments, steps] = await Promise.all([
      findProblemDeliveries(ctx.db, request.organisation.id),
      findDestinations(ctx.db, request.organisation.id),
      findPostSummaries(ctx.db, request.organisation.id, request.lang, undefined),
      findDepartmentChoices(ctx.db, request.organisation.id),
      findAllSteps(ctx.db, request.organisation.id),
    ]);
    // only the deliveries of posts the viewer may read
    const readable = readableDepartments(request.viewer, departments, steps);
    const departmentOf = new Map(posts.map((post) => [post.id, post.departmentId]));
    const deliveries = all.filter(
      (d) => readable.has(departmentOf.get(d.postId) ?? null) && departmentOf.has(d.postId),
    );
    const names = Object.fromEntries(destinations.map((d) => [d.id, d.name]));
    return publishingPage(request, reply, {
      title: t('publishing.failures.title'),
      main: html`<h1>${t('publishing.failures.title')}</h1><p>${t('publishing.failures.intro')}</p>
${
  deliveries.length === 0
    ? html`<p>${t('publishing.failures.none')}</p>`
    : html`<table class="publishing-table"><thead><tr><th scope="col">${t('publishing.list.post')}</th><th scope="col">${t('publishing.field.destinations')}</th><th scope="col">${t('publishing.delivery.language')}</th><th scope="col">${t('publishing.list.state')}</th></tr></thead>
<tbody>${deliveries.map((d) => html`<tr><td><a href="/staff/publishing/posts/${d.postId}#deliveries">#${d.postId}</a></td><td>${names[d.destinationId] ?? d.destinationId}</td><td>${languageName(d.language)}</td><td>${t(d.state === 'failed' ? 'publishing.delivery.failed' : 'publishing.delivery.uncertain')}${d.lastError ? html`<br><small>${d.lastError}</small>` : ''}</td></tr>`)}</tbody></table>`
}`,
    });
  });
}
