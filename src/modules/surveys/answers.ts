import { isStorableIsoDate } from '../../platform/validation.ts';
import type { AnswerValues, Question } from './surveys.repository.ts';

/** What a resident sent: form fields as the browser posts them (one value or several). */
export type RawAnswers = Record<string, string | string[]>;

/** Why an answer is refused; pages show `surveys.problem.<code>`. */
export type AnswerProblem =
  | 'required'
  | 'invalidChoice'
  | 'tooFew'
  | 'tooMany'
  | 'notNumber'
  | 'outOfRange'
  | 'invalidDate'
  | 'tooLong'
  | 'rankRepeated';

export const TEXT_LIMIT = { short_text: 200, long_text: 5000 } as const;

/** The form field of a question, or of one of its rows (matrix) or options (ranking). */
export function fieldName(questionId: number, partId?: number): string {
  return partId === undefined ? `q${questionId}` : `q${questionId}_${partId}`;
}

function values(raw: RawAnswers, name: string): string[] {
  const value = raw[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
}

function single(raw: RawAnswers, name: string): string {
  return values(raw, name).find((v) => v !== '') ?? '';
}

/**
 * The questions that apply to these answers: a question with a condition applies only when the
 * question it depends on applies and its answer includes the named option. Evaluated on the server
 * for every response, so a browser without JavaScript (which shows every question) is judged the same.
 */
export function applicableQuestions(questions: readonly Question[], raw: RawAnswers): Set<number> {
  const applicable = new Set<number>();
  for (const question of questions) {
    if (question.conditionQuestionId === null || question.conditionChoiceId === null) {
      applicable.add(question.id);
      continue;
    }
    if (!applicable.has(question.conditionQuestionId)) continue;
    const chosen = values(raw, fieldName(question.conditionQuestionId));
    if (chosen.includes(String(question.conditionChoiceId))) applicable.add(question.id);
  }
  return applicable;
}

/**
 * Reads and checks the answers to a survey's questions: the rows to store, or each field's problem.
 * Answers to questions that do not apply are ignored (not stored, not required).
 */
export function readAnswers(
  questions: readonly Question[],
  raw: RawAnswers,
): { ok: true; answers: AnswerValues[] } | { ok: false; problems: Record<string, AnswerProblem> } {
  const applicable = applicableQuestions(questions, raw);
  const answers: AnswerValues[] = [];
  const problems: Record<string, AnswerProblem> = {};
  for (const question of questions) {
    if (!applicable.has(question.id)) continue;
    const name = fieldName(question.id);
    const optionIds = new Set(question.options.map((o) => String(o.id)));
    switch (question.kind) {
      case 'single': {
        const value = single(raw, name);
        if (value === '') {
          if (question.required) problems[name] = 'required';
        } else if (!optionIds.has(value)) problems[name] = 'invalidChoice';
        else answers.push({ questionId: question.id, choiceId: Number(value) });
        break;
      }
      case 'multiple': {
        const chosen = [...new Set(values(raw, name).filter((v) => v !== ''))];
        if (chosen.some((v) => !optionIds.has(v))) problems[name] = 'invalidChoice';
        else if (chosen.length === 0 && question.required) problems[name] = 'required';
        else if (chosen.length > 0 && question.minChoices !== null && chosen.length < question.minChoices)
          problems[name] = 'tooFew';
        else if (question.maxChoices !== null && chosen.length > question.maxChoices) problems[name] = 'tooMany';
        else for (const v of chosen) answers.push({ questionId: question.id, choiceId: Number(v) });
        break;
      }
      case 'ranking': {
        const ranked: AnswerValues[] = [];
        const seen = new Set<number>();
        let problem: AnswerProblem | undefined;
        for (const option of question.options) {
          const value = single(raw, fieldName(question.id, option.id));
          if (value === '') continue;
          const rank = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
          if (!(rank >= 1 && rank <= question.options.length)) problem = 'invalidChoice';
          else if (seen.has(rank)) problem = 'rankRepeated';
          else {
            seen.add(rank);
            ranked.push({ questionId: question.id, choiceId: option.id, rank });
          }
        }
        if (!problem && question.required && ranked.length < question.options.length) problem = 'required';
        if (problem) problems[name] = problem;
        else answers.push(...ranked);
        break;
      }
      case 'matrix': {
        const columns = optionIds;
        const given: AnswerValues[] = [];
        let problem: AnswerProblem | undefined;
        for (const row of question.rows) {
          const value = single(raw, fieldName(question.id, row.id));
          if (value === '') {
            if (question.required) problem ??= 'required';
          } else if (!columns.has(value)) problem = 'invalidChoice';
          else given.push({ questionId: question.id, rowId: row.id, choiceId: Number(value) });
        }
        if (problem) problems[name] = problem;
        else answers.push(...given);
        break;
      }
      case 'short_text':
      case 'long_text': {
        const text = values(raw, name)[0] ?? '';
        if (text === '') {
          if (question.required) problems[name] = 'required';
        } else if (text.length > TEXT_LIMIT[question.kind]) problems[name] = 'tooLong';
        else answers.push({ questionId: question.id, text: text.replace(/\r\n?/g, '\n') });
        break;
      }
      case 'number': {
        const text = single(raw, name);
        if (text === '') {
          if (question.required) problems[name] = 'required';
          break;
        }
        const value = /^-?\d{1,12}([.,]\d{1,6})?$/.test(text) ? Number(text.replace(',', '.')) : NaN;
        if (!Number.isFinite(value)) problems[name] = 'notNumber';
        else if (
          (question.minValue !== null && value < question.minValue) ||
          (question.maxValue !== null && value > question.maxValue)
        )
          problems[name] = 'outOfRange';
        else answers.push({ questionId: question.id, number: value });
        break;
      }
      case 'date': {
        const text = single(raw, name);
        if (text === '') {
          if (question.required) problems[name] = 'required';
        } else if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !isStorableIsoDate(text)) problems[name] = 'invalidDate';
        else answers.push({ questionId: question.id, date: text });
        break;
      }
    }
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, answers };
}

/** A posted form body as answers: only text fields and lists of text (anything else is dropped). */
export function rawAnswers(body: unknown): RawAnswers {
  const result: RawAnswers = {};
  if (typeof body !== 'object' || body === null) return result;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (!/^q\d{1,10}(_\d{1,10})?$/.test(key)) continue;
    if (typeof value === 'string') result[key] = value;
    else if (Array.isArray(value)) result[key] = value.filter((v): v is string => typeof v === 'string').slice(0, 200);
  }
  return result;
}
