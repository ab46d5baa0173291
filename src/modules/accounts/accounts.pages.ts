import { safeNext } from '../../platform/validation.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { linkedProvidersSection, linksOfViewer, signInButtons, signInChoices } from '../identity-providers/index.ts';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import { deleteSession, SESSION_COOKIE } from '../../platform/auth/sessions.ts';
import { hasRole } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import { cookieOptions, type App } from '../../platform/http/app.ts';
import { html } from '../../platform/web/html.ts';
import { invalidForm, readForm } from '../../platform/web/forms.ts';
import { csrfField, field, renderPage, setNotice } from '../../platform/web/layout.ts';
import {
  BirthYearForm,
  DeleteAccountForm,
  EmailForm,
  NewPasswordForm,
  ProfileForm,
  SignInForm,
  SignUpForm,
} from './accounts.schema.ts';
import {
  confirmEmail,
  declareBirthYear,
  deleteAccount,
  exportPersonalData,
  hasPassword,
  isResetTokenValid,
  readBirthYears,
  requestPasswordReset,
  resendConfirmation,
  resetPassword,
  signIn,
  signUp,
  updateProfile,
} from './accounts.use-cases.ts';
import {
  accountPage,
  newPasswordPage,
  requireViewer,
  signInPage,
  signUpPage,
  translateErrors,
} from './accounts.view.ts';

type Limit = 'signUp' | 'passwordReset';

/** Counts a public write from this address; over the limit it stops with RATE_LIMITED. */
async function limit(ctx: AppContext, request: FastifyRequest, rule: Limit): Promise<void> {
  const { limit: max, windowSeconds } = ctx.config.rateLimits[rule];
  const result = await consumeRateLimit(ctx.db, request.organisation.id, {
    key: `${rule}:ip:${request.ip}`,
    limit: max,
    windowSeconds,
  });
  if (!result.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: result.retryAfterSeconds });
}

/** Sign up, confirmation, sign in and out, password reset, and one's own account. */
export function registerAccountPages(app: App, ctx: AppContext): void {
  const providerButtons = async (request: FastifyRequest, next: string) =>
    signInButtons(request, await signInChoices(ctx, request.organisation), next);
  const providerSection = async (request: FastifyRequest) => {
    const viewer = requireViewer(request);
    const [links, choices] = await Promise.all([linksOfViewer(ctx, viewer), signInChoices(ctx, request.organisation)]);
    const usable = choices.filter((choice) => choice.audience === 'residents' || hasRole(viewer, 'staff'));
    return linkedProvidersSection(request, links, usable);
  };
  /** What every rendering of the account page shows besides its forms' state. */
  const accountBasics = async (request: FastifyRequest, viewer: Viewer) => ({
    providers: await providerSection(request),
    birthYears: await readBirthYears(ctx, viewer),
    hasPassword: await hasPassword(ctx, viewer),
  });

  app.get('/sign-up', { schema: { hide: true } }, async (request, reply) => signUpPage(request, reply));

  app.post('/sign-up', { schema: { hide: true } }, async (request, reply) => {
    await limit(ctx, request, 'signUp');
    const form = readForm(SignUpForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { email, displayName, password, acceptTerms } = form.value;
    const outcome = await signUp(ctx, request.organisation, {
      email,
      displayName,
      password,
      acceptTerms,
      language: request.lang,
    });
    if (!outcome.ok) return signUpPage(request, reply, { email, displayName }, outcome.fields);
    return renderPage(request, reply, {
      title: request.t('signUp.done.title'),
      main: html`<h1>${request.t('signUp.done.title')}</h1><p>${request.t('signUp.done.text', { email: email.trim() })}</p>`,
    });
  });

  app.get('/confirm', { schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    const outcome = typeof token === 'string' ? await confirmEmail(ctx, request.organisation, token) : { ok: false };
    const ok = outcome.ok;
    return renderPage(request, reply, {
      title: request.t('confirm.title'),
      noIndex: true,
      status: ok ? 200 : 400,
      main: html`<h1>${request.t('confirm.title')}</h1>
<p>${ok ? request.t('confirm.done') : request.t('confirm.invalid')}</p>
<p><a class="button" href="/sign-in">${request.t('site.signIn')}</a></p>`,
    });
  });

  app.post('/confirm/resend', { schema: { hide: true } }, async (request, reply) => {
    await limit(ctx, request, 'passwordReset');
    const form = readForm(EmailForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await resendConfirmation(ctx, request.organisation, form.value.email);
    setNotice(reply, 'confirm.sent');
    return reply.redirect('/sign-in', 303);
  });

  app.get('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    return signInPage(request, reply, { next, providers: await providerButtons(request, next) });
  });

  app.post('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(SignInForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { email, password } = form.value;
    const next = safeNext(form.value.next);
    const outcome = await signIn(ctx, request.organisation, { email, password, ip: request.ip });
    if (outcome.ok) {
      if (request.sessionToken) await deleteSession(ctx.db, request.sessionToken);
      reply.setCookie(
        SESSION_COOKIE,
        outcome.sessionToken,
        cookieOptions(ctx.config, request, ctx.config.sessionDays * 86_400),
      );
      return reply.redirect(next, 303);
    }
    if (outcome.code === 'SIGN_IN_SLOWED') {
      reply.header('retry-after', String(outcome.minutes * 60));
      return signInPage(request, reply, {
        email,
        next,
        providers: await providerButtons(request, next),
        status: 429,
        error: request.t('error.SIGN_IN_SLOWED', { count: outcome.minutes }),
      });
    }
    if (outcome.code === 'EMAIL_NOT_CONFIRMED')
      return signInPage(request, reply, {
        email,
        next,
        providers: await providerButtons(request, next),
        status: 403,
        error: request.t('error.EMAIL_NOT_CONFIRMED'),
        resend: true,
      });
    return signInPage(request, reply, {
      email,
      next,
      status: 401,
      error: request.t('error.INVALID_CREDENTIALS'),
      providers: await providerButtons(request, next),
    });
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (request.sessionToken) await deleteSession(ctx.db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setNotice(reply, 'account.signedOut');
    return reply.redirect('/', 303);
  });

  app.get('/password-reset', { schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, {
      title: request.t('reset.title'),
      main: html`<h1>${request.t('reset.title')}</h1>
<p>${request.t('reset.intro')}</p>
<form method="post" action="/password-reset" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'email', label: request.t('form.email'), type: 'email', required: true, autocomplete: 'email' })}
  <button type="submit" class="button">${request.t('reset.submit')}</button>
</form>`,
    }),
  );

  app.post('/password-reset', { schema: { hide: true } }, async (request, reply) => {
    await limit(ctx, request, 'passwordReset');
    const form = readForm(EmailForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    await requestPasswordReset(ctx, request.organisation, form.value.email, request.lang);
    return renderPage(request, reply, {
      title: request.t('reset.title'),
      main: html`<h1>${request.t('reset.title')}</h1><p>${request.t('reset.sent')}</p>`,
    });
  });

  app.get('/password-reset/new', { schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    if (typeof token !== 'string' || !(await isResetTokenValid(ctx, request.organisation, token))) {
      return renderPage(request, reply, {
        title: request.t('reset.new.title'),
        status: 400,
        noIndex: true,
        main: html`<h1>${request.t('reset.new.title')}</h1><p>${request.t('reset.invalid')}</p><p><a href="/password-reset">${request.t('reset.title')}</a></p>`,
      });
    }
    return newPasswordPage(request, reply, token);
  });

  app.post('/password-reset/new', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(NewPasswordForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { token, password } = form.value;
    const outcome = await resetPassword(ctx, request.organisation, token, password);
    if (!outcome.ok && outcome.code === 'VALIDATION_FAILED')
      return newPasswordPage(request, reply, token, outcome.fields);
    if (!outcome.ok) {
      return renderPage(request, reply, {
        title: request.t('reset.new.title'),
        status: 400,
        main: html`<h1>${request.t('reset.new.title')}</h1><p>${request.t('reset.invalid')}</p>`,
      });
    }
    setNotice(reply, 'reset.done');
    return reply.redirect('/sign-in', 303);
  });

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    const next = (request.query as { next?: unknown }).next;
    return accountPage(request, reply, {
      ...(await accountBasics(request, request.viewer)),
      next: typeof next === 'string' && safeNext(next) === next ? next : '',
    });
  });

  app.post('/account/birth-year', { schema: { hide: true } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const form = readForm(BirthYearForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await declareBirthYear(ctx, viewer, form.value.birthYear);
    if (!outcome.ok)
      return accountPage(request, reply, {
        ...(await accountBasics(request, viewer)),
        errors: translateErrors(request, outcome.fields),
        birthYearInput: form.value.birthYear,
        next: safeNext(form.value.next) === form.value.next ? form.value.next : '',
        status: 400,
      });
    setNotice(reply, 'account.birthYear.saved');
    return reply.redirect(
      form.value.next && safeNext(form.value.next) === form.value.next ? form.value.next : '/account',
      303,
    );
  });

  app.post('/account/profile', { schema: { hide: true } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const form = readForm(ProfileForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await updateProfile(ctx, viewer, form.value);
    if (!outcome.ok)
      return accountPage(request, reply, {
        ...(await accountBasics(request, viewer)),
        errors: translateErrors(request, outcome.fields),
        status: 400,
      });
    setNotice(reply, 'account.saved');
    return reply.redirect('/account', 303);
  });

  app.get('/account/export', { schema: { hide: true } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const data = await exportPersonalData(ctx, viewer);
    reply.header('content-disposition', `attachment; filename="my-data-${new Date().toISOString().slice(0, 10)}.json"`);
    reply.header('cache-control', 'no-store');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });

  app.post('/account/delete', { schema: { hide: true } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const form = readForm(DeleteAccountForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await deleteAccount(ctx, viewer, form.value.deletePassword, form.value.removeContent);
    if (!outcome.ok)
      return accountPage(request, reply, {
        ...(await accountBasics(request, viewer)),
        errors: { deletePassword: request.t(`error.${outcome.code}`) },
        status: 403,
      });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setNotice(reply, 'account.deleted');
    return reply.redirect('/', 303);
  });
}
