import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { apiErrors, PUBLIC } from '../../platform/http/api.ts';
import { Id } from '../../platform/validation.ts';
import { surveyResults } from './surveys.use-cases.ts';

const Text = Type.Record(Type.String(), Type.String(), { description: 'A text per language code' });
const Count = Type.Object({ choiceId: Type.Integer(), label: Text, count: Type.Integer(), percent: Type.Number() });

const SurveyResultsBody = Type.Object({
  id: Type.Integer(),
  title: Text,
  responses: Type.Integer(),
  questions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      title: Text,
      answered: Type.Integer(),
      options: Type.Array(Count),
      rows: Type.Array(
        Type.Object({ rowId: Type.Integer(), label: Text, answered: Type.Integer(), options: Type.Array(Count) }),
      ),
      ranks: Type.Array(
        Type.Object({
          choiceId: Type.Integer(),
          label: Text,
          ranked: Type.Integer(),
          meanRank: Type.Union([Type.Number(), Type.Null()]),
        }),
      ),
      numbers: Type.Union([Type.Object({ mean: Type.Number(), min: Type.Number(), max: Type.Number() }), Type.Null()]),
    }),
  ),
});

/** The published results of a survey, as anyone may read them on its results page (counts only, no free texts). */
export function registerSurveysApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/surveys/:surveyId/results',
    {
      schema: {
        operationId: 'getSurveyResults',
        tags: ['surveys'],
        summary: 'The results of a survey that publishes them: counts and percentages per option',
        security: PUBLIC,
        params: Type.Object({ surveyId: Id }),
        response: { 200: SurveyResultsBody, ...apiErrors(404) },
      },
    },
    async (request) => {
      // read as the public reads it, whoever asks: free texts never leave through the API
      const { survey, questions, results } = await surveyResults(
        ctx,
        null,
        request.organisation,
        request.params.surveyId,
      );
      return {
        id: survey.id,
        title: survey.title,
        responses: results.responses,
        questions: questions.map((question) => {
          const result = results.questions.find((r) => r.questionId === question.id);
          const label = (id: number) => question.options.find((o) => o.id === id)?.label ?? {};
          const counts = (list: Array<{ choiceId: number; count: number; percent: number }>) =>
            list.map((c) => ({ ...c, label: label(c.choiceId) }));
          return {
            id: question.id,
            kind: question.kind,
            title: question.title,
            answered: result?.answered ?? 0,
            options: counts(result?.options ?? []),
            rows: (result?.rows ?? []).map((row) => ({
              rowId: row.rowId,
              label: question.rows.find((r) => r.id === row.rowId)?.label ?? {},
              answered: row.answered,
              options: counts(row.options),
            })),
            ranks: (result?.ranks ?? []).map((r) => ({ ...r, label: label(r.choiceId) })),
            numbers: result?.numbers ?? null,
          };
        }),
      };
    },
  );
}
