import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { sendCsv, type CsvCell } from '../../../platform/web/csv.ts';
import { html } from '../../../platform/web/html.ts';
import { formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { rawAnswers, type RawAnswers } from '../answers.ts';
import { mayManageSurveys } from '../surveys.policy.ts';
import {
  answerBlocker,
  answerSurvey,
  exportResponses,
  listSurveys,
  surveyResults,
  surveyTime,
  visibleSurvey,
} from '../surveys.use-cases.ts';
import { surveyView } from './form.view.ts';
import { resultsView } from './results.view.ts';
import { pathId, plain, problemTexts, translated } from './shared.ts';

const BLOCKER_STATUS: Record<string, number> = {
  AUTHENTICATION_REQUIRED: 401,
  SURVEY_NOT_OPEN_YET: 409,
  SURVEY_CLOSED: 409,
  SURVEY_ALREADY_ANSWERED: 409,
  SURVEY_EMAIL_NOT_CONFIRMED: 403,
  SURVEY_NOT_VERIFIED: 403,
  SURVEY_BIRTH_YEAR_MISSING: 403,
  SURVEY_NOT_ELIGIBLE: 403,
};

/** Residents' pages: the list of surveys, answering one, its results and (staff) the export. */
export function registerPublicPages(app: App, ctx: AppContext): void {
  app.get('/surveys', async (request, reply) => {
    const { t } = request;
    const surveys = await listSurveys(ctx, request.viewer, request.organisation);
    return renderPage(request, reply, {
      title: t('surveys.list.title'),
      main: html`<h1>${t('surveys.list.title')}</h1>
${
  surveys.length === 0
    ? html`<p>${t('surveys.list.none')}</p>`
    : html`<ul class="cards">${surveys.map(
        (s) => html`<li class="card"><h2><a href="/surveys/${s.id}">${translated(request, s.title)}</a></h2>
<p>${t(`surveys.time.${surveyTime(s)}` as MessageKey)}${s.closesAt ? html` · ${t('surveys.page.closes', { date: formatDate(request, s.closesAt) })}` : ''}${s.published ? '' : html` · ${t('surveys.list.draft')}`}</p></li>`,
      )}</ul>`
}`,
    });
  });

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    values: RawAnswers,
    problems: Record<string, string>,
    status = 200,
  ) {
    const { survey, questions } = await visibleSurvey(
      ctx,
      request.viewer,
      request.organisation,
      pathId((request.params as { id: string }).id),
    );
    const blocker = await answerBlocker(ctx, request.viewer, request.organisation, survey);
    return surveyView(
      request,
      reply,
      {
        survey,
        questions,
        blocker,
        values,
        errors: problemTexts(request, problems),
        staff: mayManageSurveys(request.viewer),
      },
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/surveys/:id', (request, reply) => show(request, reply, {}, {}));

  app.post<{ Params: { id: string } }>('/surveys/:id', async (request, reply) => {
    const id = pathId(request.params.id);
    const raw = rawAnswers(request.body);
    const outcome = await answerSurvey(ctx, request.viewer, request.organisation, id, raw);
    if (outcome.ok) {
      setNotice(reply, 'surveys.page.thanks');
      return reply.redirect(`/surveys/${id}`, 303);
    }
    if (outcome.code === 'VALIDATION_FAILED') return show(request, reply, raw, outcome.fields, 400);
    return show(request, reply, raw, {}, BLOCKER_STATUS[outcome.code] ?? 400);
  });

  app.get<{ Params: { id: string } }>('/surveys/:id/results', async (request, reply) => {
    const view = await surveyResults(ctx, request.viewer, request.organisation, pathId(request.params.id));
    return resultsView(request, reply, view);
  });

  /** Every response, one per line (RFC 4180, UTF-8 with a byte order mark); the person only in named surveys. */
  app.get<{ Params: { id: string } }>('/surveys/:id/responses.csv', async (request, reply) => {
    const { survey, questions, answers } = await exportResponses(
      ctx,
      request.viewer,
      request.organisation,
      pathId(request.params.id),
    );
    const label = (value: Record<string, string> | undefined) => (value ? plain(request, value) : '');
    const columns: Array<{ header: string; questionId: number; partId?: number }> = [];
    for (const q of questions) {
      const title = plain(request, q.title);
      if (q.kind === 'matrix')
        for (const row of q.rows)
          columns.push({ header: `${title} — ${label(row.label)}`, questionId: q.id, partId: row.id });
      else if (q.kind === 'ranking')
        for (const o of q.options)
          columns.push({ header: `${title} — ${label(o.label)}`, questionId: q.id, partId: o.id });
      else columns.push({ header: title, questionId: q.id });
    }
    const header: CsvCell[] = ['response', ...(survey.anonymous ? [] : ['user_id']), ...columns.map((c) => c.header)];
    const responses = new Map<string, typeof answers>();
    for (const a of answers) responses.set(a.responseId, [...(responses.get(a.responseId) ?? []), a]);
    const rows: CsvCell[][] = [header];
    let n = 0;
    for (const [, own] of responses) {
      n += 1;
      const cells = columns.map((column) => {
        const question = questions.find((q) => q.id === column.questionId);
        const mine = own.filter((a) => a.questionId === column.questionId);
        if (!question || mine.length === 0) return '';
        const optionLabel = (id: number | null) => label(question.options.find((o) => o.id === id)?.label);
        switch (question.kind) {
          case 'single':
          case 'multiple':
            return mine.map((a) => optionLabel(a.choiceId)).join('; ');
          case 'matrix':
            return optionLabel(mine.find((a) => a.rowId === column.partId)?.choiceId ?? null);
          case 'ranking':
            return mine.find((a) => a.choiceId === column.partId)?.rank ?? '';
          case 'number':
            return mine[0]?.number ?? '';
          case 'date':
            return mine[0]?.date ?? '';
          default:
            return mine[0]?.text ?? '';
        }
      });
      rows.push([n, ...(survey.anonymous ? [] : [own[0]?.userId ?? '']), ...cells]);
    }
    return sendCsv(reply, `survey-${survey.id}-responses.csv`, rows);
  });
}
