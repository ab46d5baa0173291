import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Role } from '../../../platform/db/schema.ts';
import type { App } from '../../../platform/http/app.ts';
import { LANGUAGE_CODES, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { authorizeAdministration, mayAdminister } from '../administration.policy.ts';
import { updateCitySettings, type CitySettingsInput, type FieldErrors } from '../administration.use-cases.ts';
import { readForm, translatedValue, validFields } from '../../../platform/web/forms.ts';
import { CitySettingsForm } from '../administration.schema.ts';
import { firstStepsNotice } from './first-steps.pages.ts';
import { SECTIONS, renderAdminPage, translateErrors, translatedFields } from './admin-page.ts';

/** The administration's front page (every member of staff) and the city settings (administrators). */
export function registerCityPages(app: App, ctx: AppContext): void {
  app.get('/admin', async (request, reply) => {
    authorizeAdministration(request.viewer, 'open-administration');
    const { t, viewer } = request;
    const own = SECTIONS.filter((section) => mayAdminister(viewer, section.action));
    const fromModules = request.server.siteNavigation.admin.filter(
      (link) => !link.roles || link.roles.some((role) => hasRole(viewer, role as Role)),
    );
    const links = [...fromModules, ...own];
    return renderAdminPage(request, reply, {
      title: t('admin.title'),
      main: html`<h1>${t('admin.title')}</h1>
<p>${t('admin.intro')}</p>
${await firstStepsNotice(ctx, request)}
<ul class="cards">
  ${links.map((link) => html`<li class="card"><a href="${link.href}">${t(link.label)}</a></li>`)}
</ul>`,
    });
  });

  app.get('/admin/organisation', async (request, reply) => {
    authorizeAdministration(request.viewer, 'manage-city');
    const { organisation } = request;
    return settingsPage(request, reply, {
      name: organisation.name,
      tagline: organisation.branding.tagline ?? {},
      languages: organisation.languages,
      defaultLanguage: organisation.defaultLanguage,
      timeZone: organisation.timeZone,
      lat: organisation.map.lat,
      lng: organisation.map.lng,
      zoom: organisation.map.zoom,
      primaryColor: organisation.branding.primaryColor ?? '#0b4f8a',
    });
  });

  app.post('/admin/organisation', async (request, reply) => {
    // Only a coordinate can be refused here (not a number): the use case refuses it as it does an empty one.
    const form = validFields(readForm(CitySettingsForm, request.body));
    const input: CitySettingsInput = {
      name: translatedValue(form, 'name', LANGUAGE_CODES),
      tagline: translatedValue(form, 'tagline', LANGUAGE_CODES),
      languages: form.languages ?? [],
      defaultLanguage: form.defaultLanguage ?? '',
      timeZone: form.timeZone ?? '',
      lat: form.lat ?? Number.NaN,
      lng: form.lng ?? Number.NaN,
      zoom: form.zoom ?? Number.NaN,
      primaryColor: form.primaryColor ?? '',
    };
    const outcome = await updateCitySettings(ctx, request.viewer, request.organisation, input);
    if (!outcome.ok) return settingsPage(request, reply, input, outcome.fields);
    setNotice(reply, 'admin.organisation.saved');
    return reply.redirect('/admin/organisation', 303);
  });
}

function settingsPage(
  request: FastifyRequest,
  reply: FastifyReply,
  values: CitySettingsInput,
  fieldErrors: FieldErrors = {},
) {
  const { t, organisation } = request;
  const errors = translateErrors(request, fieldErrors);
  // Names and taglines are asked for in every language the city offers, plus any being switched on.
  const languages = LANGUAGE_CODES.filter(
    (code) => values.languages.includes(code) || organisation.languages.includes(code),
  );
  return renderAdminPage(request, reply, {
    title: t('admin.organisation'),
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<h1>${t('admin.organisation')}</h1>
<p>${t('admin.organisation.intro')}</p>
${errorSummary(request, errors)}
<form method="post" action="/admin/organisation" class="stack" novalidate>
  ${csrfField(request)}
  ${translatedFields(request, { prefix: 'name', label: 'admin.organisation.name', value: values.name, languages, errors, maxlength: 120, required: values.defaultLanguage })}
  <fieldset class="field${errors.languages ? ' field--error' : ''}" id="languages"${errors.languages ? raw(' aria-describedby="languages-error"') : ''}>
    <legend>${t('admin.organisation.languages')}</legend>
    ${errors.languages ? html`<p class="field__error" id="languages-error">${errors.languages}</p>` : ''}
    ${LANGUAGE_CODES.map(
      (
        code,
      ) => html`<div class="checkbox"><input type="checkbox" id="language-${code}" name="languages" value="${code}"${values.languages.includes(code) ? raw(' checked') : ''}>
      <label for="language-${code}" lang="${code}">${LANGUAGES[code].name}</label></div>`,
    )}
  </fieldset>
  <div class="field">
    <label for="defaultLanguage">${t('admin.organisation.defaultLanguage')}</label>
    <select id="defaultLanguage" name="defaultLanguage">
      ${LANGUAGE_CODES.map((code) => html`<option value="${code}" lang="${code}"${values.defaultLanguage === code ? raw(' selected') : ''}>${LANGUAGES[code].name}</option>`)}
    </select>
  </div>
  ${field({ name: 'timeZone', label: t('admin.organisation.timeZone'), hint: t('admin.organisation.timeZone.hint'), value: values.timeZone, error: errors.timeZone, required: true, maxlength: 64 })}
  <fieldset class="field">
    <legend>${t('admin.organisation.map')}</legend>
    ${field({ name: 'lat', label: t('admin.organisation.lat'), value: Number.isFinite(values.lat) ? String(values.lat) : '', error: errors.lat, required: true })}
    ${field({ name: 'lng', label: t('admin.organisation.lng'), value: Number.isFinite(values.lng) ? String(values.lng) : '', required: true })}
    ${field({ name: 'zoom', label: t('admin.organisation.zoom'), type: 'number', value: Number.isFinite(values.zoom) ? String(values.zoom) : '', error: errors.zoom, required: true })}
  </fieldset>
  ${field({ name: 'primaryColor', label: t('admin.organisation.colour'), hint: t('admin.organisation.colour.hint'), value: values.primaryColor, error: errors.primaryColor, required: true, maxlength: 7 })}
  ${translatedFields(request, { prefix: 'tagline', label: 'admin.organisation.tagline', value: values.tagline, languages, errors, maxlength: 200 })}
  <button type="submit" class="button">${t('form.save')}</button>
</form>`,
  });
}
