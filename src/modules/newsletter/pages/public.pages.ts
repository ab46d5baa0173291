import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { PreferencesForm, SubscribeForm, TokenForm } from '../newsletter.forms.ts';
import {
  confirmSubscription,
  departmentsOf,
  savePreferences,
  subscribe,
  subscriberOfToken,
  unsubscribe,
  wellFormedConfirmToken,
  type Invalid,
} from '../newsletter.use-cases.ts';
import { choicesFields, PROBLEM_TEXT } from './choices.view.ts';

function queryToken(request: FastifyRequest): string {
  const token = (request.query as { token?: unknown }).token;
  return typeof token === 'string' && token.length <= 200 ? token : '';
}

function problemTexts(request: FastifyRequest, fields: Invalid['fields']): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, code]) => [name, request.t(PROBLEM_TEXT[code])]));
}

/** The page a link that is unknown or expired leads to (404, the same for every kind of wrong token). */
function invalidLinkPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { t } = request;
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: t('newsletter.error.NEWSLETTER_TOKEN_INVALID'),
    status: 404,
    noIndex: true,
    main: html`<h1>${t('newsletter.error.NEWSLETTER_TOKEN_INVALID')}</h1>
<p><a href="/newsletter">${t('newsletter.subscribe.title')}</a></p>`,
  });
}

/**
 * The newsletter's public pages: subscribe (works without JavaScript), confirm (a page with a button,
 * as link scanners only GET), preferences and unsubscribe reached from every newsletter by a signed link,
 * and the RFC 8058 one-click endpoint, which takes a POST without cookie or CSRF token (the signed token
 * in the address is the proof).
 */
export function registerNewsletterPages(app: App, ctx: AppContext): void {
  async function subscribePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: { email: string; languages: readonly string[]; departments: readonly number[] },
    errors: Record<string, string> = {},
  ) {
    const { t } = request;
    const departments = await departmentsOf(ctx, request.organisation);
    return renderPage(request, reply, {
      title: t('newsletter.subscribe.title'),
      status: Object.keys(errors).length > 0 ? 400 : 200,
      main: html`<h1>${t('newsletter.subscribe.title')}</h1>
<p>${t('newsletter.subscribe.intro')}</p>
${errorSummary(request, errors)}
<form method="post" action="/newsletter" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'email', label: t('newsletter.field.email'), type: 'email', value: values.email, error: errors.email, required: true, autocomplete: 'email', maxlength: 254 })}
  ${choicesFields(request, {
    languages: request.organisation.languages,
    departments,
    chosenLanguages: values.languages,
    chosenDepartments: values.departments,
    errors,
  })}
  <button type="submit" class="button">${t('newsletter.subscribe.submit')}</button>
</form>`,
    });
  }

  app.get('/newsletter', { schema: { hide: true } }, async (request, reply) => {
    const own = request.organisation.languages.includes(request.lang) ? [request.lang] : [];
    return subscribePage(request, reply, {
      email: request.viewer?.email ?? '',
      languages: own,
      departments: [],
    });
  });

  app.post('/newsletter', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(SubscribeForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const input = {
      email: form.value.email,
      languages: form.value.languages ?? [],
      departmentIds: form.value.departments ?? [],
    };
    const outcome = await subscribe(ctx, request.organisation, request.viewer, {
      ...input,
      ip: request.ip,
      language: request.lang,
    });
    if (!outcome.ok) {
      if (outcome.code === 'RATE_LIMITED') {
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        throw new AppError('RATE_LIMITED');
      }
      return subscribePage(
        request,
        reply,
        { email: input.email, languages: input.languages, departments: input.departmentIds },
        problemTexts(request, outcome.fields),
      );
    }
    if (outcome.state === 'confirmed') {
      setNotice(reply, 'newsletter.subscribe.done');
      return reply.redirect('/newsletter', 303);
    }
    return reply.redirect('/newsletter/sent', 303);
  });

  app.get('/newsletter/sent', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    return renderPage(request, reply, {
      title: t('newsletter.subscribe.sent.title'),
      noIndex: true,
      main: html`<h1>${t('newsletter.subscribe.sent.title')}</h1><p>${t('newsletter.subscribe.sent.body')}</p>`,
    });
  });

  app.get('/newsletter/confirm', { schema: { hide: true } }, async (request, reply) => {
    const token = queryToken(request);
    if (!wellFormedConfirmToken(token)) return invalidLinkPage(request, reply);
    const { t } = request;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('newsletter.confirm.title'),
      noIndex: true,
      main: html`<h1>${t('newsletter.confirm.title')}</h1>
<p>${t('newsletter.confirm.body')}</p>
<form method="post" action="/newsletter/confirm">
  ${csrfField(request)}
  <input type="hidden" name="token" value="${token}">
  <button type="submit" class="button">${t('newsletter.confirm.submit')}</button>
</form>`,
    });
  });

  app.post('/newsletter/confirm', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(TokenForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await confirmSubscription(ctx, request.organisation, form.value.token);
    if (!outcome.ok) return invalidLinkPage(request, reply);
    setNotice(reply, 'newsletter.confirm.done');
    const target = new URL(outcome.preferences);
    return reply.redirect(`${target.pathname}${target.search}`, 303);
  });

  async function preferencesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values?: { languages: readonly string[]; departments: readonly number[] },
    errors: Record<string, string> = {},
  ) {
    const subscriber = await subscriberOfToken(ctx, request.organisation, token);
    if (!subscriber) return invalidLinkPage(request, reply);
    const { t } = request;
    const departments = await departmentsOf(ctx, request.organisation);
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('newsletter.preferences.title'),
      status: Object.keys(errors).length > 0 ? 400 : 200,
      noIndex: true,
      main: html`<h1>${t('newsletter.preferences.title')}</h1>
${errorSummary(request, errors)}
<form method="post" action="/newsletter/preferences" class="stack" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="token" value="${token}">
  ${choicesFields(request, {
    languages: request.organisation.languages,
    departments,
    chosenLanguages: values?.languages ?? subscriber.languages,
    chosenDepartments: values?.departments ?? subscriber.departmentIds,
    errors,
  })}
  <button type="submit" class="button">${t('newsletter.preferences.save')}</button>
</form>
<h2>${t('newsletter.unsubscribe.title')}</h2>
<p>${t('newsletter.unsubscribe.body')}</p>
<form method="post" action="/newsletter/unsubscribe">
  ${csrfField(request)}
  <input type="hidden" name="token" value="${token}">
  <button type="submit" class="button button--secondary">${t('newsletter.unsubscribe.submit')}</button>
</form>`,
    });
  }

  app.get('/newsletter/preferences', { schema: { hide: true } }, async (request, reply) =>
    preferencesPage(request, reply, queryToken(request)),
  );

  app.post('/newsletter/preferences', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(PreferencesForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const choices = { languages: form.value.languages ?? [], departmentIds: form.value.departments ?? [] };
    const outcome = await savePreferences(ctx, request.organisation, form.value.token, choices);
    if (!outcome.ok) {
      if (outcome.code === 'NEWSLETTER_TOKEN_INVALID') return invalidLinkPage(request, reply);
      return preferencesPage(
        request,
        reply,
        form.value.token,
        { languages: choices.languages, departments: choices.departmentIds },
        problemTexts(request, outcome.fields),
      );
    }
    setNotice(reply, 'newsletter.preferences.saved');
    return reply.redirect(`/newsletter/preferences?token=${encodeURIComponent(form.value.token)}`, 303);
  });

  // the visible link in every newsletter shows a page with a button; only a POST removes (link scanners only GET)
  async function unsubscribePage(request: FastifyRequest, reply: FastifyReply) {
    const token = queryToken(request);
    if (!(await subscriberOfToken(ctx, request.organisation, token))) return invalidLinkPage(request, reply);
    const { t } = request;
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('newsletter.unsubscribe.title'),
      noIndex: true,
      main: html`<h1>${t('newsletter.unsubscribe.title')}</h1>
<p>${t('newsletter.unsubscribe.body')}</p>
<form method="post" action="/newsletter/unsubscribe">
  ${csrfField(request)}
  <input type="hidden" name="token" value="${token}">
  <button type="submit" class="button">${t('newsletter.unsubscribe.submit')}</button>
</form>`,
    });
  }
  app.get('/newsletter/unsubscribe', { schema: { hide: true } }, unsubscribePage);
  app.get('/newsletter/unsubscribe/one-click', { schema: { hide: true } }, unsubscribePage);

  app.post('/newsletter/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(TokenForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    if (!(await unsubscribe(ctx, request.organisation, form.value.token))) return invalidLinkPage(request, reply);
    setNotice(reply, 'newsletter.unsubscribe.done');
    return reply.redirect('/newsletter', 303);
  });

  // RFC 8058: the mail program POSTs `List-Unsubscribe=One-Click` to the List-Unsubscribe address, without
  // cookie or CSRF token; the signed token in the address is the proof. The same empty answer whether
  // something was removed, so a token cannot be probed.
  app.post(
    '/newsletter/unsubscribe/one-click',
    { schema: { hide: true }, config: { csrf: false } },
    async (request, reply) => {
      const token = queryToken(request);
      if (token) await unsubscribe(ctx, request.organisation, token);
      reply.header('cache-control', 'no-store');
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    },
  );
}
