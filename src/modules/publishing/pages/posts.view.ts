import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import type { PublishingLimits } from '../../../platform/publishing.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate } from '../../../platform/web/layout.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { countForChannel, countGraphemes } from '../limits.ts';
import type { PostSummary } from '../posts.repository.ts';
import type { PostState } from '../publishing.schema.ts';
import { languageName, publishingAssets, publishingPage, selectField, textareaField } from './shared.ts';

export const STATE_TEXT: Record<PostState, MessageKey> = {
  draft: 'publishing.state.draft',
  in_review: 'publishing.state.in_review',
  changes_requested: 'publishing.state.changes_requested',
  approved: 'publishing.state.approved',
  scheduled: 'publishing.state.scheduled',
  publishing: 'publishing.state.publishing',
  published: 'publishing.state.published',
  withdrawn: 'publishing.state.withdrawn',
};

export function listPage(
  request: FastifyRequest,
  reply: FastifyReply,
  posts: PostSummary[],
  departments: Array<{ id: number; name: Translated }>,
): FastifyReply {
  const { t } = request;
  const departmentName = (id: number | null) => {
    const department = departments.find((d) => d.id === id);
    return department
      ? localized(department.name, request.lang, request.organisation.defaultLanguage)
      : t('publishing.field.noDepartment');
  };
  return publishingPage(request, reply, {
    title: t('publishing.title'),
    main: html`<h1>${t('publishing.title')}</h1>
<p><a class="button" href="/staff/publishing/posts/new">${t('publishing.action.newPost')}</a></p>
${
  posts.length === 0
    ? html`<p>${t('publishing.list.empty')}</p>`
    : html`<table class="publishing-table"><caption class="visually-hidden">${t('publishing.title')}</caption>
<thead><tr><th scope="col">${t('publishing.list.post')}</th><th scope="col">${t('publishing.field.department')}</th><th scope="col">${t('publishing.list.state')}</th><th scope="col">${t('publishing.list.when')}</th></tr></thead>
<tbody>${posts.map((post) => {
        const when = post.publishedAt ?? post.scheduledAt;
        return html`<tr><td><a href="/staff/publishing/posts/${post.id}">${post.title || `#${post.id}`}</a>${post.crisis ? html` <strong>(${t('publishing.crisis.label')})</strong>` : ''}</td>
<td>${departmentName(post.departmentId)}</td>
<td>${t(STATE_TEXT[post.state])}${post.failedDeliveries > 0 ? html`<br><a href="/staff/publishing/posts/${post.id}#deliveries">${t('publishing.list.failed', { number: String(post.failedDeliveries) })}</a>` : ''}${post.reviewAfterwards ? html`<br>${t('publishing.post.reviewAfterwards')}` : ''}</td>
<td>${when ? formatDate(request, when, true) : t('publishing.schedule.now')}</td></tr>`;
      })}</tbody></table>`
}`,
  });
}

export interface EditorDestination {
  id: number;
  name: string;
  kind: string;
  limits: PublishingLimits;
}

export interface EditorValues {
  texts: Record<string, { title: string; body: string }>;
  warning: Translated;
  departmentId: string;
  campaignId: string;
  destinationIds: number[];
  variants: Record<number, Record<string, string>>;
  schedule: 'now' | 'at';
  scheduledDay: string;
  scheduledTime: string;
}

export interface EditorData {
  id: number | undefined;
  values: EditorValues;
  errors: Record<string, string>;
  departments: Array<{ id: number; name: Translated }>;
  campaigns: Array<{ id: number; name: Translated; hashtags: string[] }>;
  destinations: EditorDestination[];
  /** A published post being corrected: texts only; its channels, department, campaign and time stay. */
  correcting?: boolean;
}

/** Counts of one language's text on each chosen destination, as the server counts them; the script keeps them current. */
function counters(request: FastifyRequest, data: EditorData, language: string): Html {
  const chosen = data.destinations.filter((d) => data.values.destinationIds.includes(d.id));
  if (chosen.length === 0) return html``;
  const warning = data.values.warning[language] ?? '';
  return html`<ul class="publishing-counters" aria-live="polite">${chosen.map((destination) => {
    const text = data.values.variants[destination.id]?.[language] || data.values.texts[language]?.body || '';
    const limit = destination.limits.maxCharacters;
    const used =
      countForChannel(text, destination.limits) +
      (warning ? countGraphemes(warning) + (destination.limits.contentWarning ? 0 : 2) : 0);
    const template = limit === null ? 'publishing.counter.unlimited' : 'publishing.counter';
    return html`<li class="publishing-counter${limit !== null && used > limit ? ' publishing-counter--over' : ''}" data-destination="${destination.id}" data-language="${language}" data-limit="${limit ?? ''}" data-link="${destination.limits.linkCharacters ?? ''}" data-cw="${destination.limits.contentWarning ? 'yes' : 'no'}" data-template="${request.t(template, { destination: destination.name, used: '{used}', limit: '{limit}' })}">${request.t(template, { destination: destination.name, used: String(used), limit: String(limit ?? '') })}</li>`;
  })}</ul>`;
}

export function editorPage(request: FastifyRequest, reply: FastifyReply, data: EditorData, status = 200): FastifyReply {
  const { t, organisation } = request;
  const { values, errors } = data;
  const languages = organisation.languages;
  const localName = (name: Translated) => localized(name, request.lang, organisation.defaultLanguage);
  const correcting = data.correcting === true && data.id !== undefined;
  const title = correcting
    ? t('publishing.editor.correct')
    : data.id === undefined
      ? t('publishing.editor.new')
      : t('publishing.editor.edit');
  const action =
    data.id === undefined
      ? '/staff/publishing/posts/new'
      : `/staff/publishing/posts/${data.id}/${correcting ? 'correct' : 'edit'}`;
  const shown = correcting ? data.destinations.filter((d) => values.destinationIds.includes(d.id)) : data.destinations;
  return publishingPage(request, reply, {
    title,
    status,
    scripts: [publishingAssets.url('publishing-limits.js')],
    main: html`<h1>${title}</h1>
${errorSummary(request, errors)}
${correcting ? html`<p class="notice">${t('publishing.correct.hint')}</p>` : ''}
<form method="post" action="${action}" class="publishing-editor" novalidate>
${csrfField(request)}
${languages.map(
  (language) => html`<fieldset><legend>${languageName(language)}</legend>
<div class="field${errors[`title_${language}`] ? ' field--error' : ''}"><label for="title_${language}">${t('publishing.field.title')}</label>
${errors[`title_${language}`] ? html`<p class="field__error" id="title_${language}-error">${errors[`title_${language}`]}</p>` : ''}
<input type="text" id="title_${language}" name="title_${language}" lang="${language}" maxlength="200" value="${values.texts[language]?.title ?? ''}"></div>
${textareaField({ name: `body_${language}`, label: t('publishing.field.body'), value: values.texts[language]?.body ?? '', error: errors[`body_${language}`], lang: language, rows: 6, attributes: raw(' data-publishing-body') })}
${counters(request, data, language)}
</fieldset>`,
)}
<fieldset><legend>${t('publishing.field.warning')}</legend>
<p class="field__hint">${t('publishing.field.warningHint')}</p>
${translatedInputs(request, 'warning', 'publishing.field.warning', values.warning, errors)}
</fieldset>
${
  correcting
    ? html`<input type="hidden" name="departmentId" value="${values.departmentId}"><input type="hidden" name="campaignId" value="${values.campaignId}">`
    : html`${selectField({
        name: 'departmentId',
        label: t('publishing.field.department'),
        value: values.departmentId,
        error: errors.departmentId,
        choices: [
          { value: '', label: t('publishing.field.noDepartment') },
          ...data.departments.map((d) => ({ value: String(d.id), label: localName(d.name) })),
        ],
      })}
${selectField({
  name: 'campaignId',
  label: t('publishing.field.campaign'),
  value: values.campaignId,
  error: errors.campaignId,
  choices: [
    { value: '', label: t('publishing.field.noCampaign') },
    ...data.campaigns.map((c) => ({
      value: String(c.id),
      label: `${localName(c.name)}${c.hashtags.length ? ` (${c.hashtags.map((h) => `#${h}`).join(' ')})` : ''}`,
    })),
  ],
})}`
}
<fieldset${errors.destinationIds ? raw(' aria-describedby="destinationIds-error"') : ''}><legend>${t('publishing.field.destinations')}</legend>
${errors.destinationIds ? html`<p class="field__error" id="destinationIds-error">${errors.destinationIds}</p>` : ''}
${shown.length === 0 ? html`<p>${t('publishing.destinations.none')}</p>` : ''}
${shown.map(
  (destination) => html`<div class="publishing-variant">${
    correcting
      ? html`<input type="hidden" name="destinationIds" value="${destination.id}"><p>${destination.name}</p>`
      : html`<div class="checkbox"><input type="checkbox" id="destination-${destination.id}" name="destinationIds" value="${destination.id}"${values.destinationIds.includes(destination.id) ? raw(' checked') : ''}>
<label for="destination-${destination.id}">${destination.name}</label></div>`
  }
<details${Object.keys(values.variants[destination.id] ?? {}).length ? raw(' open') : ''}><summary>${t('publishing.field.variants', { destination: destination.name })}</summary>
<p class="field__hint">${t('publishing.field.variantsHint')}</p>
${languages.map((language) =>
  textareaField({
    name: `variant_${destination.id}_${language}`,
    label: `${destination.name} (${languageName(language)})`,
    value: values.variants[destination.id]?.[language] ?? '',
    error: errors[`variant_${destination.id}_${language}`],
    lang: language,
    rows: 3,
  }),
)}</details></div>`,
)}
</fieldset>
${
  correcting
    ? ''
    : html`<fieldset><legend>${t('publishing.field.schedule')}</legend>
<div class="checkbox"><input type="radio" id="schedule-now" name="schedule" value="now"${values.schedule === 'now' ? raw(' checked') : ''}><label for="schedule-now">${t('publishing.schedule.now')}</label></div>
<div class="checkbox"><input type="radio" id="schedule-at" name="schedule" value="at"${values.schedule === 'at' ? raw(' checked') : ''}><label for="schedule-at">${t('publishing.schedule.at')}</label></div>
<div class="field${errors.scheduledDay ? ' field--error' : ''}"><label for="scheduledDay">${t('publishing.field.day')}</label>
${errors.scheduledDay ? html`<p class="field__error" id="scheduledDay-error">${errors.scheduledDay}</p>` : ''}
<input type="date" id="scheduledDay" name="scheduledDay" value="${values.scheduledDay}"></div>
<div class="field"><label for="scheduledTime">${t('publishing.field.time')}</label>
<input type="time" id="scheduledTime" name="scheduledTime" value="${values.scheduledTime}"></div>
</fieldset>`
}
<button type="submit" class="button">${t(correcting ? 'publishing.action.sendCorrection' : 'publishing.action.save')}</button>
</form>`,
  });
}
