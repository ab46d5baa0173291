import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { toClientError } from '../../../platform/http/errors.ts';
import { dateFormat } from '../../../platform/i18n/format.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { BOUNCE_TOKEN_HEADER, bounceTokenMatches, recordDeliveryReport } from '../bounces.ts';
import { newsletterMail } from '../newsletter.mails.ts';
import { ScheduleForm } from '../newsletter.forms.ts';
import { newsletterOverview, previewItems, saveSchedule } from '../newsletter-admin.use-cases.ts';
import { languageName } from './choices.view.ts';

/** The largest delivery report accepted (a DSN carries the headers of the mail, rarely the whole mail). */
const MAX_REPORT_BYTES = 2 * 1024 * 1024;

function weekdayName(request: FastifyRequest, weekday: number): string {
  // 2024-01-01 was a Monday
  const day = new Date(Date.UTC(2024, 0, weekday, 12));
  return dateFormat(LANGUAGES[request.lang].locale.replace('_', '-'), { weekday: 'long', timeZone: 'UTC' }).format(day);
}

/** Staff's page (counts, digests sent, schedule, preview) and the endpoint delivery reports are posted to. */
export function registerNewsletterAdminPages(app: App, ctx: AppContext): void {
  app.get('/admin/newsletter', { schema: { hide: true } }, async (request, reply) => {
    const overview = await newsletterOverview(ctx, request.viewer, request.organisation);
    const { t } = request;
    const { settings } = overview;
    const languages = [...new Set([...request.organisation.languages, ...overview.counts.map((c) => c.language)])];
    const count = (language: string, status: string) =>
      overview.counts.find((c) => c.language === language && c.status === status)?.count ?? 0;
    const bounceUrl = absoluteUrl(ctx.config, request.organisation, '/newsletter/bounces');
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('newsletter.admin.title'),
      noIndex: true,
      main: html`<h1>${t('newsletter.admin.title')}</h1>
<h2>${t('newsletter.admin.subscribers')}</h2>
<table>
  <thead><tr><th scope="col">${t('newsletter.admin.language')}</th><th scope="col">${t('newsletter.admin.confirmed')}</th><th scope="col">${t('newsletter.admin.pending')}</th><th scope="col">${t('newsletter.admin.bounced')}</th></tr></thead>
  <tbody>${languages.map(
    (language) =>
      html`<tr><th scope="row" lang="${language}">${languageName(language)}</th><td>${count(language, 'confirmed')}</td><td>${count(language, 'pending')}</td><td>${count(language, 'bounced')}</td></tr>`,
  )}</tbody>
</table>
<h2>${t('newsletter.admin.preview')}</h2>
<p>${t('newsletter.admin.next', { date: formatDate(request, overview.next, true) })}</p>
${
  overview.waiting.length === 0
    ? html`<p>${t('newsletter.admin.previewEmpty')}</p>`
    : html`<ul>${overview.waiting.map(
        (w) =>
          html`<li><span lang="${w.language}">${languageName(w.language)}</span>: ${t('newsletter.admin.waiting', { count: w.count })} — <a href="/admin/newsletter/preview?language=${w.language}">${t('newsletter.admin.previewLink', { language: languageName(w.language) })}</a></li>`,
      )}</ul>`
}
<h2>${t('newsletter.admin.schedule')}</h2>
<form method="post" action="/admin/newsletter/schedule" class="stack">
  ${csrfField(request)}
  <fieldset class="field">
    <legend>${t('newsletter.admin.frequency')}</legend>
    ${(['weekly', 'daily'] as const).map(
      (
        frequency,
      ) => html`<div class="radio"><input type="radio" id="frequency-${frequency}" name="frequency" value="${frequency}"${settings.frequency === frequency ? raw(' checked') : ''}>
      <label for="frequency-${frequency}">${t(`newsletter.admin.frequency.${frequency}`)}</label></div>`,
    )}
  </fieldset>
  <div class="field">
    <label for="weekday">${t('newsletter.admin.weekday')}</label>
    <select id="weekday" name="weekday">${[1, 2, 3, 4, 5, 6, 7].map(
      (day) =>
        html`<option value="${day}"${settings.weekday === day ? raw(' selected') : ''}>${weekdayName(request, day)}</option>`,
    )}</select>
  </div>
  <div class="field">
    <label for="hour">${t('newsletter.admin.hour', { timeZone: request.organisation.timeZone })}</label>
    <select id="hour" name="hour">${Array.from({ length: 24 }, (_, hour) => hour).map(
      (hour) =>
        html`<option value="${hour}"${settings.hour === hour ? raw(' selected') : ''}>${String(hour).padStart(2, '0')}:00</option>`,
    )}</select>
  </div>
  <button type="submit" class="button">${t('newsletter.admin.save')}</button>
</form>
<h2>${t('newsletter.admin.digests')}</h2>
${
  overview.digests.length === 0
    ? html`<p>${t('newsletter.admin.noDigests')}</p>`
    : html`<table>
  <thead><tr><th scope="col">${t('newsletter.admin.date')}</th><th scope="col">${t('newsletter.admin.kind')}</th><th scope="col">${t('newsletter.admin.language')}</th><th scope="col">${t('newsletter.admin.items')}</th><th scope="col">${t('newsletter.admin.recipients')}</th></tr></thead>
  <tbody>${overview.digests.map(
    (digest) =>
      html`<tr><td>${formatDate(request, digest.createdAt, true)}</td><td>${t(`newsletter.admin.kind.${digest.kind}`)}</td><td lang="${digest.language}">${languageName(digest.language)}</td><td>${digest.items}</td><td>${digest.recipients}</td></tr>`,
  )}</tbody>
</table>`
}
${
  overview.bounceToken
    ? html`<h2>${t('newsletter.admin.bounces')}</h2>
<p>${t('newsletter.admin.bouncesHint')}</p>
<p><code>POST ${bounceUrl}</code></p>
<p><code>${BOUNCE_TOKEN_HEADER}: <span id="bounce-token">${overview.bounceToken}</span></code></p>`
    : ''
}`,
    });
  });

  app.post('/admin/newsletter/schedule', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(ScheduleForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await saveSchedule(ctx, request.viewer, request.organisation, form.value);
    setNotice(reply, 'newsletter.admin.saved');
    return reply.redirect('/admin/newsletter', 303);
  });

  // the next digest of one language as its subscribers will read it (the links point to the public pages)
  app.get('/admin/newsletter/preview', { schema: { hide: true } }, async (request, reply) => {
    const language = (request.query as { language?: unknown }).language;
    if (typeof language !== 'string' || !request.organisation.languages.includes(language) || !isLanguage(language))
      throw new AppError('NEWSLETTER_LANGUAGE_UNKNOWN');
    const items = await previewItems(ctx, request.viewer, request.organisation, language);
    const page = absoluteUrl(ctx.config, request.organisation, '/newsletter');
    const mail = newsletterMail(
      request.organisation,
      language,
      'digest',
      items,
      { preferences: page, unsubscribe: page, oneClick: page },
      new Date(),
    );
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(mail.html);
  });

  // delivery status notifications (RFC 3464) posted by the city's mail server, raw, with the bounce token
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    // the sender is a mail server: every refusal is JSON `{ error: { code, message } }`, never a page
    scope.setErrorHandler((error, request, reply) => {
      const refusal = toClientError(error, request);
      return reply
        .code(refusal.status)
        .type('application/json; charset=utf-8')
        .send({ error: { code: refusal.code, message: refusal.message } });
    });
    scope.post('/newsletter/bounces', { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
      // a header of its own: `Authorization: Bearer` is the platform's, for API keys
      const header = request.headers[BOUNCE_TOKEN_HEADER];
      const given = typeof header === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(header) ? header : undefined;
      if (!given || !bounceTokenMatches(ctx.config.secretKey, request.organisation.id, given))
        throw new AppError('NEWSLETTER_BOUNCE_UNAUTHORIZED');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const counted = await recordDeliveryReport(ctx, request.organisation, body);
      if (!counted) throw new AppError('NEWSLETTER_BOUNCE_INVALID');
      return reply.code(200).send(counted);
    });
  });
}
