import type { FastifyReply, FastifyRequest } from 'fastify';
import { dayIn, lastMoment } from '../../../platform/i18n/days.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, field, renderPage } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { PART_ACTIONS, PARTS } from '../participation.schema.ts';
import type { Phase } from '../processes.repository.ts';
import type { ProcessInput } from '../use-cases/manage-processes.ts';
import { plain, select, stylesheet } from './shared.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';

export function adminPage(request: FastifyRequest, reply: FastifyReply, title: string, main: Html, status = 200) {
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title,
    noIndex: true,
    status,
    main: html`${stylesheet()}<p><a href="/admin">${request.t('site.admin')}</a> › <a href="/admin/participation">${request.t('participation.admin.title')}</a></p>${main}`,
  });
}

export function processForm(
  request: FastifyRequest,
  action: string,
  values: Partial<ProcessInput>,
  districts: District[],
  errors: Record<string, string>,
): Html {
  const { t } = request;
  const text = (value: number | null | undefined) =>
    value === null || value === undefined || Number.isNaN(value) ? '' : String(value);
  const chosen = new Set(values.districtIds ?? []);
  return html`<form method="post" action="${action}" class="stack" novalidate>${csrfField(request)}
${field({ name: 'slug', label: t('participation.admin.slug'), hint: t('participation.admin.slugHint'), value: values.slug ?? '', error: errors.slug, maxlength: 80 })}
${translatedInputs(request, 'title', 'participation.admin.processTitle', values.title ?? {}, errors)}
${translatedInputs(request, 'description', 'participation.admin.description', values.description ?? {}, errors, true)}
<fieldset${errors.districtIds ? raw(' aria-describedby="districtIds-error"') : ''}><legend id="districtIds">${t('participation.process.scope')}</legend>
<p class="field__hint">${t('participation.admin.scopeHint')}</p>
${errors.districtIds ? html`<p class="field__error" id="districtIds-error">${errors.districtIds}</p>` : ''}
${districts.filter((d) => d.kind === 'district').map((d) => html`<div class="checkbox"><input type="checkbox" id="district-${d.id}" name="districtIds" value="${d.id}"${chosen.has(d.id) ? raw(' checked') : ''}><label for="district-${d.id}">${plain(request, d.name)}</label></div>`)}
</fieldset>
${select(
  'eligibilityLevel',
  t('participation.process.whoMay'),
  [
    ['email', t('participation.eligibility.email')],
    ['verified', t('participation.eligibility.verified')],
  ],
  values.eligibilityLevel ?? 'email',
  errors.eligibilityLevel,
)}
${field({ name: 'minAge', label: t('participation.admin.minAge'), type: 'number', value: text(values.minAge), error: errors.minAge })}
${field({ name: 'maxAge', label: t('participation.admin.maxAge'), type: 'number', value: text(values.maxAge), error: errors.maxAge })}
<div class="checkbox"><input type="checkbox" id="residentsOnly" name="residentsOnly" value="yes"${values.residentsOnly ? raw(' checked') : ''}><label for="residentsOnly">${t('participation.admin.residentsOnly')}</label></div>
${field({ name: 'supportThreshold', label: t('participation.admin.threshold'), type: 'number', value: text(values.supportThreshold ?? 100), error: errors.supportThreshold })}
${field({ name: 'supportDays', label: t('participation.admin.supportDays'), type: 'number', value: text(values.supportDays ?? 90), error: errors.supportDays })}
${field({ name: 'answerDays', label: t('participation.admin.answerDays'), type: 'number', value: text(values.answerDays ?? 30), error: errors.answerDays })}
<button type="submit" class="button">${t('participation.admin.save')}</button></form>`;
}

export function phaseForm(
  request: FastifyRequest,
  action: string,
  phase: Partial<Phase> | undefined,
  errors: Record<string, string>,
): Html {
  const { t } = request;
  const { timeZone } = request.organisation;
  const iso = (date: Date | undefined) => (date && !Number.isNaN(date.getTime()) ? dayIn(date, timeZone) : '');
  const parts = phase?.parts ?? {};
  return html`<form method="post" action="${action}" class="stack" novalidate>${csrfField(request)}
${translatedInputs(request, 'phaseTitle', 'participation.admin.phaseTitle', phase?.title ?? {}, errors)}
${field({ name: 'startsOn', label: t('participation.admin.startsOn'), type: 'date', value: iso(phase?.startsAt), error: errors.startsOn })}
${field({ name: 'endsOn', label: t('participation.admin.endsOn'), type: 'date', value: phase?.endsAt ? iso(lastMoment(phase.endsAt)) : '', error: errors.endsOn })}
${errors.parts ? html`<p class="field__error" id="parts">${errors.parts}</p>` : ''}
${PARTS.map(
  (part) => html`<fieldset><legend>${t(`participation.part.${part}` as MessageKey)}</legend>
<div class="checkbox"><input type="checkbox" id="open_${part}" name="open_${part}" value="yes"${parts[part] ? raw(' checked') : ''}><label for="open_${part}">${t('participation.admin.partOpen')}</label></div>
${PART_ACTIONS[part].map((a) => html`<div class="checkbox"><input type="checkbox" id="actions_${part}_${a}" name="actions_${part}" value="${a}"${parts[part]?.includes(a) ? raw(' checked') : ''}><label for="actions_${part}_${a}">${t(`participation.action.${a}` as MessageKey)}</label></div>`)}
</fieldset>`,
)}
<button type="submit" class="button">${t('participation.admin.save')}</button></form>`;
}
