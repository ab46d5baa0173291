import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { LANGUAGES, isLanguage } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, field } from '../../../platform/web/layout.ts';
import type { InboxSettings, Topic } from '../listening/settings.ts';
import { renderInboxPage } from './shared.ts';

/** A department a topic can be given to. */
export interface Unit {
  id: number;
  name: Translated;
}

function languageName(code: string): string {
  return isLanguage(code) ? LANGUAGES[code].name : code;
}

/** The inbox's settings (retention, first-response goal) and the city's topics. */
export function settingsView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { settings: InboxSettings; topics: Topic[]; units: Unit[] },
): FastifyReply {
  const { t, lang, organisation } = request;
  const { settings, topics, units } = data;
  const main = html`<h1>${t('inbox.settings.title')}</h1>
<section aria-labelledby="retention-title"><h2 id="retention-title">${t('inbox.settings.retention')}</h2>
<form method="post" action="/admin/inbox/settings">${csrfField(request)}
${field({ name: 'retentionDays', label: t('inbox.settings.retentionDays'), type: 'number', value: String(settings.retentionDays), hint: t('inbox.settings.retentionHint'), required: true })}
${field({ name: 'firstResponseGoalHours', label: t('inbox.settings.goalHours'), type: 'number', value: String(settings.firstResponseGoalHours), hint: t('inbox.settings.goalHint'), required: true })}
<button class="button" type="submit">${t('inbox.settings.save')}</button>
</form></section>
<section aria-labelledby="topics-title"><h2 id="topics-title">${t('inbox.topics.title')}</h2>
<p>${t('inbox.topics.lead')}</p>
<div class="table-wrap"><table class="data-table"><caption class="visually-hidden">${t('inbox.topics.title')}</caption>
<thead><tr><th scope="col">${t('inbox.topics.name')}</th><th scope="col">${t('inbox.topics.key')}</th><th scope="col">${t('inbox.topics.keywords')}</th><th scope="col">${t('inbox.topics.department')}</th><th scope="col">${t('inbox.codes.actions')}</th></tr></thead>
<tbody>${topics.map(
    (
      topic,
    ) => html`<tr${topic.archived ? raw(' class="muted"') : ''}><th scope="row">${localized(topic.names, lang, organisation.defaultLanguage)}${topic.archived ? html` <span class="tag">${t('inbox.codes.archived')}</span>` : ''}</th><td><code>${topic.key}</code></td>
<td>${(topic.keywords[lang] ?? topic.keywords[organisation.defaultLanguage] ?? []).slice(0, 8).join(', ')}</td>
<td>${localized(units.find((unit) => unit.id === topic.departmentId)?.name, lang, organisation.defaultLanguage) || '—'}</td>
<td><a href="/admin/inbox/topics/${topic.id}">${t('inbox.codes.edit')}<span class="visually-hidden"> ${localized(topic.names, lang, organisation.defaultLanguage)}</span></a>
<form class="inline-form" method="post" action="/admin/inbox/topics/${topic.id}/${topic.archived ? 'restore' : 'archive'}">${csrfField(request)}<button class="link-button" type="submit">${t(topic.archived ? 'inbox.codes.restore' : 'inbox.codes.archive')}<span class="visually-hidden"> ${localized(topic.names, lang, organisation.defaultLanguage)}</span></button></form></td></tr>`,
  )}</tbody></table></div>
<p><a class="button button--secondary" href="/admin/inbox/topics/new">${t('inbox.topics.new')}</a></p>
</section>`;
  return renderInboxPage(request, reply, { title: t('inbox.settings.title'), main });
}

/** The form of a new topic (`topic` undefined) or of an existing one. */
export function topicView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { topic: Topic | undefined; units: Unit[] },
): FastifyReply {
  const { t, lang, organisation } = request;
  const { topic, units } = data;
  const title = topic
    ? t('inbox.topics.editTitle', { name: localized(topic.names, lang, organisation.defaultLanguage) })
    : t('inbox.topics.new');
  const main = html`<h1>${title}</h1>
<form method="post" action="/admin/inbox/topics/${topic ? topic.id : 'new'}">${csrfField(request)}
${topic ? html`<p>${t('inbox.topics.key')}: <code>${topic.key}</code></p>` : field({ name: 'key', label: t('inbox.topics.key'), hint: t('inbox.topics.keyHint'), required: true, maxlength: 40 })}
${organisation.languages.map(
  (language) => html`<fieldset class="field"><legend>${languageName(language)}</legend>
${field({ name: `name_${language}`, label: t('inbox.topics.nameIn', { language: languageName(language) }), value: topic?.names[language] ?? '', required: language === organisation.defaultLanguage, maxlength: 80 })}
<div class="field"><label for="keywords_${language}">${t('inbox.topics.keywordsIn', { language: languageName(language) })}</label><p class="field__hint" id="keywords_${language}-hint">${t('inbox.topics.keywordsHint')}</p>
<textarea id="keywords_${language}" name="keywords_${language}" lang="${language}" rows="3" aria-describedby="keywords_${language}-hint">${(topic?.keywords[language] ?? []).join(', ')}</textarea></div>
</fieldset>`,
)}
<div class="field"><label for="departmentId">${t('inbox.topics.department')}</label><select id="departmentId" name="departmentId"><option value="">—</option>${units.map((unit) => html`<option value="${unit.id}"${unit.id === topic?.departmentId ? raw(' selected') : ''}>${localized(unit.name, lang, organisation.defaultLanguage)}</option>`)}</select></div>
<button class="button" type="submit">${t('inbox.settings.save')}</button>
</form>
<p><a href="/admin/inbox/settings">${t('inbox.codes.back')}</a></p>`;
  return renderInboxPage(request, reply, { title, main });
}
