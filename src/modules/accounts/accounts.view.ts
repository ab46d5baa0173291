import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { LANGUAGE_CODES, LANGUAGES } from '../../platform/i18n/languages.ts';
import { html, raw, type Html } from '../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage } from '../../platform/web/layout.ts';
import type { BirthYears } from './accounts.use-cases.ts';
import type { FieldErrors } from './accounts.validation.ts';

/** The page picks each field's text from its problem code. */
export function translateErrors(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, code]) => [name, request.t(`error.${code}`)]));
}

export function requireViewer(request: FastifyRequest) {
  if (request.viewer) return request.viewer;
  throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
}

export function signUpPage(
  request: FastifyRequest,
  reply: FastifyReply,
  values: { email?: string; displayName?: string } = {},
  errors: FieldErrors = {},
) {
  const { t } = request;
  const messages = translateErrors(request, errors);
  return renderPage(request, reply, {
    title: t('signUp.title'),
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<h1>${t('signUp.title')}</h1>
${errorSummary(request, messages)}
<p>${t('signUp.intro')}</p>
<form method="post" action="/sign-up" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'displayName', label: t('form.displayName'), value: values.displayName, error: messages.displayName, required: true, autocomplete: 'name', maxlength: 80 })}
  ${field({ name: 'email', label: t('form.email'), type: 'email', value: values.email, error: messages.email, required: true, autocomplete: 'email' })}
  ${field({ name: 'password', label: t('form.password'), type: 'password', hint: t('form.password.hint'), error: messages.password, required: true, autocomplete: 'new-password' })}
  <div class="field${messages.acceptTerms ? ' field--error' : ''}">
    <p class="field__hint" id="acceptTerms-hint">${t('signUp.readTerms')} <a href="/code-of-conduct">${t('legal.conduct.title')}</a>, <a href="/privacy">${t('legal.privacy.title')}</a>.</p>
    ${messages.acceptTerms ? html`<p class="field__error" id="acceptTerms-error">${messages.acceptTerms}</p>` : ''}
    <div class="checkbox"><input type="checkbox" id="acceptTerms" name="acceptTerms" value="yes"${messages.acceptTerms ? raw(' aria-describedby="acceptTerms-hint acceptTerms-error" aria-invalid="true"') : raw(' aria-describedby="acceptTerms-hint"')}>
    <label for="acceptTerms">${t('signUp.acceptTerms')}</label></div>
  </div>
  <button type="submit" class="button">${t('signUp.submit')}</button>
</form>
<p>${t('signUp.haveAccount')} <a href="/sign-in">${t('site.signIn')}</a></p>`,
  });
}

export function signInPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    email?: string;
    next?: string;
    error?: string;
    status?: number;
    resend?: boolean;
    /** The "sign in with …" buttons of the city's identity providers. */
    providers?: Html;
  } = {},
) {
  const { t } = request;
  const errors: Record<string, string> = options.error ? { email: options.error } : {};
  return renderPage(request, reply, {
    title: t('signIn.title'),
    status: options.status ?? 200,
    main: html`<h1>${t('signIn.title')}</h1>
${errorSummary(request, errors)}
<form method="post" action="/sign-in" class="stack" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="next" value="${options.next ?? '/'}">
  ${field({ name: 'email', label: t('form.email'), type: 'email', value: options.email, required: true, autocomplete: 'username' })}
  ${field({ name: 'password', label: t('form.password'), type: 'password', required: true, autocomplete: 'current-password' })}
  <button type="submit" class="button">${t('signIn.submit')}</button>
</form>
${
  options.resend
    ? html`<form method="post" action="/confirm/resend" class="stack">${csrfField(request)}<input type="hidden" name="email" value="${options.email ?? ''}"><button type="submit" class="button button--secondary">${t('confirm.resend')}</button></form>`
    : ''
}
<p><a href="/password-reset">${t('signIn.forgot')}</a></p>
${options.providers ?? ''}
<p>${t('signIn.noAccount')} <a href="/sign-up">${t('site.signUp')}</a></p>`,
  });
}

export function newPasswordPage(request: FastifyRequest, reply: FastifyReply, token: string, errors: FieldErrors = {}) {
  const { t } = request;
  const messages = translateErrors(request, errors);
  return renderPage(request, reply, {
    title: t('reset.new.title'),
    noIndex: true,
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<h1>${t('reset.new.title')}</h1>
${errorSummary(request, messages)}
<form method="post" action="/password-reset/new" class="stack" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="token" value="${token}">
  ${field({ name: 'password', label: t('form.password'), type: 'password', hint: t('form.password.hint'), error: messages.password, required: true, autocomplete: 'new-password' })}
  <button type="submit" class="button">${t('reset.new.submit')}</button>
</form>`,
  });
}

export interface AccountPageOptions {
  birthYears: BirthYears;
  errors?: Record<string, string>;
  status?: number;
  /** The year of birth as typed, shown again with its error. */
  birthYearInput?: string;
  /** Where the year-of-birth form returns to once saved (a page that asked for it). */
  next?: string;
  /** The linked identity providers section. */
  providers?: Html;
  /** False for an account without a password: deleting it is confirmed with its e-mail address. */
  hasPassword?: boolean;
}

export function accountPage(request: FastifyRequest, reply: FastifyReply, options: AccountPageOptions) {
  const { t } = request;
  const viewer = requireViewer(request);
  const errors = options.errors ?? {};
  const { declared, verified } = options.birthYears;
  return renderPage(request, reply, {
    title: t('account.title'),
    noIndex: true,
    status: options.status ?? 200,
    main: html`<h1>${t('account.title')}</h1>
${errorSummary(request, errors)}
<p>${t('account.roles', { role: t(`role.${viewer.role}`) })}</p>
<section aria-labelledby="profile-title">
  <h2 id="profile-title">${t('account.profile')}</h2>
  <form method="post" action="/account/profile" class="stack" novalidate>
    ${csrfField(request)}
    <p>${t('form.email')}: <strong>${viewer.email ?? ''}</strong></p>
    ${field({ name: 'displayName', label: t('form.displayName'), value: viewer.displayName, error: errors.displayName, required: true, autocomplete: 'name', maxlength: 80 })}
    <div class="field">
      <label for="language">${t('account.language')}</label>
      <select id="language" name="language">
        ${LANGUAGE_CODES.map((code) => html`<option value="${code}" lang="${code}"${(viewer.language ?? request.lang) === code ? raw(' selected') : ''}>${LANGUAGES[code].name}</option>`)}
      </select>
    </div>
    <button type="submit" class="button">${t('form.save')}</button>
  </form>
</section>
<section aria-labelledby="birth-year-title" id="birth-year">
  <h2 id="birth-year-title">${t('account.birthYear.title')}</h2>
  <p>${t('account.birthYear.text')}</p>
  ${
    verified !== null
      ? html`<p>${t('account.birthYear.verified', { year: String(verified) })}</p>`
      : html`<form method="post" action="/account/birth-year" class="stack" novalidate>
    ${csrfField(request)}
    <input type="hidden" name="next" value="${options.next ?? ''}">
    ${field({ name: 'birthYear', label: t('account.birthYear.field'), hint: t('account.birthYear.hint'), value: options.birthYearInput ?? (declared === null ? '' : String(declared)), error: errors.birthYear, autocomplete: 'bday-year', maxlength: 10 })}
    <button type="submit" class="button">${t('form.save')}</button>
  </form>`
  }
</section>
${options.providers ?? ''}
<section aria-labelledby="export-title">
  <h2 id="export-title">${t('account.export.title')}</h2>
  <p>${t('account.export.text')}</p>
  <p><a class="button button--secondary" href="/account/export" download>${t('account.export.submit')}</a></p>
</section>
<section aria-labelledby="delete-title">
  <h2 id="delete-title">${t('account.delete.title')}</h2>
  <p>${t('account.delete.text')}</p>
  <form method="post" action="/account/delete" class="stack" novalidate>
    ${csrfField(request)}
    <div class="checkbox"><input type="checkbox" id="removeContent" name="removeContent" value="yes"><label for="removeContent">${t('account.delete.removeContent')}</label></div>
    ${
      options.hasPassword === false
        ? field({
            name: 'deletePassword',
            label: t('account.delete.confirmEmail'),
            type: 'email',
            error: errors.deletePassword,
            required: true,
            autocomplete: 'off',
          })
        : field({
            name: 'deletePassword',
            label: t('account.delete.confirm'),
            type: 'password',
            error: errors.deletePassword,
            required: true,
            autocomplete: 'current-password',
          })
    }
    <button type="submit" class="button button--danger">${t('account.delete.submit')}</button>
  </form>
</section>`,
  });
}
