import type { SubjectSection } from '../../../platform/module.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { findSurveys } from '../surveys.repository.ts';
import { surveyTime } from '../surveys.use-cases.ts';
import { translated } from './shared.ts';

/**
 * Under a participatory process's page, its published surveys (through the platform's subject sections,
 * so the process page needs no import of this module).
 */
export const processSurveysSection: SubjectSection = {
  order: 25,
  async render(request, ctx, subject) {
    if (subject.type !== 'process') return null;
    const surveys = await findSurveys(ctx.db, request.organisation.id, { publishedOnly: true, processId: subject.id });
    if (surveys.length === 0) return null;
    return html`<section aria-labelledby="process-surveys"><h2 id="process-surveys">${request.t('surveys.list.title')}</h2><ul>${surveys.map(
      (survey) =>
        html`<li><a href="/surveys/${survey.id}">${translated(request, survey.title)}</a> — ${request.t(`surveys.time.${surveyTime(survey)}` as MessageKey)}</li>`,
    )}</ul></section>`;
  },
};
