import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import type { MessageKey } from '../../platform/i18n/translate.ts';
import { html, raw } from '../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../platform/web/layout.ts';
import { invalidForm, readForm } from '../../platform/web/forms.ts';
import { LICENCE_NAMES } from './licences.ts';
import { SettingsForm } from './open-data.forms.ts';
import { changeSettings, settingsForEditing, type SettingsInput } from './settings.use-cases.ts';

const PATH = '/admin/open-data';

/** The words of each field problem. */
const PROBLEM_TEXT: Record<string, MessageKey> = {
  'licence.invalid': 'openData.admin.error.licence',
  'contactEmail.invalid': 'openData.admin.error.contactEmail',
  'contactEmail.required': 'openData.admin.error.contactEmailRequired',
  'ipaCode.invalid': 'openData.admin.error.ipaCode',
  'ipaCode.required': 'openData.admin.error.ipaCodeRequired',
};

/** The administrators' page of the city's open data: licence, contact point, catalogue profiles. */
export function registerSettingsPages(app: App, ctx: AppContext): void {
  app.get(PATH, { schema: { hide: true } }, async (request, reply) => settingsPage(request, reply));

  app.post(PATH, { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(SettingsForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await changeSettings(ctx, request.viewer, request.organisation, form.value);
    if (!outcome.ok) {
      const errors = Object.fromEntries(
        Object.entries(outcome.fields).map(([name, problem]) => [
          name,
          request.t(PROBLEM_TEXT[`${name}.${problem}`] ?? 'openData.admin.error.licence'),
        ]),
      );
      return settingsPage(request, reply, form.value, errors);
    }
    setNotice(reply, 'openData.admin.saved');
    return reply.redirect(PATH, 303);
  });

  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    input?: SettingsInput,
    errors: Record<string, string> = {},
  ) {
    const { t } = request;
    const { settings, licences } = await settingsForEditing(ctx, request.viewer, request.organisation);
    const values: SettingsInput = input ?? {
      licence: settings.licence,
      contactEmail: settings.contactEmail ?? '',
      ipaCode: settings.ipaCode ?? '',
      dcatApIt: settings.dcatApIt,
      geoDcatAp: settings.geoDcatAp,
    };
    const checked = (on: boolean | undefined) => (on ? raw(' checked') : '');
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('openData.admin.title'),
      noIndex: true,
      status: Object.keys(errors).length > 0 ? 400 : 200,
      main: html`<h1>${t('openData.admin.title')}</h1>
<p>${t('openData.admin.lead')}</p>
${errorSummary(request, errors)}
<form method="post" action="${PATH}" class="stack" novalidate>
  ${csrfField(request)}
  <fieldset class="field${errors.licence ? ' field--error' : ''}" id="licence" aria-describedby="licence-hint${errors.licence ? ' licence-error' : ''}">
    <legend>${t('openData.admin.licence')}</legend>
    <p class="field__hint" id="licence-hint">${t('openData.admin.licenceHint')}</p>
    ${errors.licence ? html`<p class="field__error" id="licence-error">${errors.licence}</p>` : ''}
    ${licences.map(
      (licence) =>
        html`<div class="checkbox"><input type="radio" id="licence-${licence}" name="licence" value="${licence}"${checked(values.licence === licence)}><label for="licence-${licence}">${LICENCE_NAMES[licence]}</label></div>`,
    )}
  </fieldset>
  ${field({ name: 'contactEmail', type: 'email', label: t('openData.admin.contactEmail'), hint: t('openData.admin.contactEmailHint'), value: values.contactEmail, autocomplete: 'email', maxlength: 254, ...(errors.contactEmail ? { error: errors.contactEmail } : {}) })}
  ${field({ name: 'ipaCode', label: t('openData.admin.ipaCode'), hint: t('openData.admin.ipaCodeHint'), value: values.ipaCode, maxlength: 20, ...(errors.ipaCode ? { error: errors.ipaCode } : {}) })}
  <fieldset class="field" aria-describedby="profiles-hint">
    <legend>${t('openData.admin.profiles')}</legend>
    <p class="field__hint" id="profiles-hint">${t('openData.admin.profilesHint')}</p>
    <div class="checkbox"><input type="checkbox" id="dcatApIt" name="dcatApIt" value="yes"${checked(values.dcatApIt)}><label for="dcatApIt">${t('openData.admin.dcatApIt')}</label></div>
    <div class="checkbox"><input type="checkbox" id="geoDcatAp" name="geoDcatAp" value="yes"${checked(values.geoDcatAp)}><label for="geoDcatAp">${t('openData.admin.geoDcatAp')}</label></div>
  </fieldset>
  <button type="submit" class="button">${t('openData.admin.save')}</button>
</form>
<h2>${t('openData.catalog.heading')}</h2>
<ul>
<li><a href="/open-data/catalog.ttl">${t('openData.catalog.turtle')}</a></li>
<li><a href="/open-data/catalog.jsonld">${t('openData.catalog.jsonld')}</a></li>
</ul>`,
    });
  }
}
