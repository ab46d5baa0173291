import type { Question, StoredAnswer } from './surveys.repository.ts';

/** How many chose an option (or, in a matrix, a column in one row), out of how many answered. */
export interface OptionCount {
  choiceId: number;
  count: number;
  /** Share of the people who answered the question (or row), 0–100 with one decimal. */
  percent: number;
}

export interface QuestionResult {
  questionId: number;
  /** People who answered this question. */
  answered: number;
  options: OptionCount[];
  /** Matrix: per row, the counts of each column. */
  rows: Array<{ rowId: number; answered: number; options: OptionCount[] }>;
  /** Ranking: per option, its mean rank (1 = first) among those who ranked it. */
  ranks: Array<{ choiceId: number; ranked: number; meanRank: number | null }>;
  /** Numbers: count, mean, minimum, maximum. */
  numbers: { mean: number; min: number; max: number } | null;
  /** Dates: earliest and latest. */
  dates: { first: string; last: string } | null;
  /** Free texts (shown to staff only). */
  texts: string[];
}

export interface SurveyResults {
  responses: number;
  questions: QuestionResult[];
}

function percent(count: number, of: number): number {
  return of === 0 ? 0 : Math.round((count / of) * 1000) / 10;
}

function countOptions(question: Question, answers: StoredAnswer[], of: number): OptionCount[] {
  return question.options.map((option) => {
    const count = new Set(answers.filter((a) => a.choiceId === option.id).map((a) => a.responseId)).size;
    return { choiceId: option.id, count, percent: percent(count, of) };
  });
}

/** The results of a survey from its stored answers. */
export function computeResults(questions: readonly Question[], answers: readonly StoredAnswer[], responses: number) {
  const byQuestion = new Map<number, StoredAnswer[]>();
  for (const answer of answers) {
    const list = byQuestion.get(answer.questionId) ?? [];
    list.push(answer);
    byQuestion.set(answer.questionId, list);
  }
  const results: SurveyResults = {
    responses,
    questions: questions.map((question) => {
      const own = byQuestion.get(question.id) ?? [];
      const answered = new Set(own.map((a) => a.responseId)).size;
      const result: QuestionResult = {
        questionId: question.id,
        answered,
        options: [],
        rows: [],
        ranks: [],
        numbers: null,
        dates: null,
        texts: [],
      };
      switch (question.kind) {
        case 'single':
        case 'multiple':
          result.options = countOptions(question, own, answered);
          break;
        case 'matrix':
          result.rows = question.rows.map((row) => {
            const inRow = own.filter((a) => a.rowId === row.id);
            const rowAnswered = new Set(inRow.map((a) => a.responseId)).size;
            return { rowId: row.id, answered: rowAnswered, options: countOptions(question, inRow, rowAnswered) };
          });
          break;
        case 'ranking':
          result.ranks = question.options.map((option) => {
            const ranks = own.filter((a) => a.choiceId === option.id && a.rank !== null).map((a) => a.rank as number);
            const mean =
              ranks.length === 0 ? null : Math.round((ranks.reduce((s, r) => s + r, 0) / ranks.length) * 100) / 100;
            return { choiceId: option.id, ranked: ranks.length, meanRank: mean };
          });
          result.ranks.sort((a, b) => (a.meanRank ?? Infinity) - (b.meanRank ?? Infinity));
          break;
        case 'number': {
          const numbers = own.map((a) => a.number).filter((n): n is number => n !== null);
          if (numbers.length > 0)
            result.numbers = {
              mean: Math.round((numbers.reduce((s, n) => s + n, 0) / numbers.length) * 100) / 100,
              min: Math.min(...numbers),
              max: Math.max(...numbers),
            };
          break;
        }
        case 'date': {
          const dates = own
            .map((a) => a.date)
            .filter((d): d is string => d !== null)
            .sort();
          if (dates.length > 0) result.dates = { first: dates[0] as string, last: dates[dates.length - 1] as string };
          break;
        }
        case 'short_text':
        case 'long_text':
          result.texts = own.map((a) => a.text).filter((t): t is string => t !== null);
          break;
      }
      return result;
    }),
  };
  return results;
}
