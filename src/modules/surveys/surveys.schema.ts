import type { ColumnType, Generated } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** The kinds of question a survey asks. */
export const QUESTION_KINDS = [
  'single',
  'multiple',
  'ranking',
  'matrix',
  'short_text',
  'long_text',
  'number',
  'date',
] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Kinds whose answer is one of the question's options (a condition may name one). */
export const CHOICE_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'ranking', 'matrix'];

/** Tables of surveys (migration 20261219_0200). */
declare module '../../platform/db/schema.ts' {
  interface Database {
    surveys_survey: {
      id: Generated<number>;
      organisation_id: number;
      process_id: number | null;
      title: Json<Translated>;
      description: Json<Translated>;
      anonymous: boolean;
      results_public: boolean;
      eligibility_level: 'email' | 'verified';
      published: boolean;
      opens_at: MaybeStamp;
      closes_at: MaybeStamp;
      created_at: ColumnType<Date, Date | string | undefined, never>;
      updated_at: Stamp;
    };
    surveys_question: {
      id: Generated<number>;
      organisation_id: number;
      survey_id: number;
      position: number;
      kind: QuestionKind;
      title: Json<Translated>;
      description: Json<Translated>;
      required: boolean;
      min_choices: number | null;
      max_choices: number | null;
      min_value: number | null;
      max_value: number | null;
      condition_question_id: number | null;
      condition_choice_id: number | null;
    };
    surveys_choice: {
      id: Generated<number>;
      organisation_id: number;
      question_id: number;
      role: 'option' | 'row';
      position: number;
      label: Json<Translated>;
    };
    surveys_response: {
      id: string;
      organisation_id: number;
      survey_id: number;
      user_id: number | null;
      answered_on: ColumnType<string, string, never>;
    };
    surveys_answer: {
      id: Generated<string>;
      organisation_id: number;
      response_id: string;
      question_id: number;
      choice_id: number | null;
      row_id: number | null;
      rank: number | null;
      text_value: string | null;
      number_value: number | null;
      date_value: ColumnType<string | null, string | null, never>;
    };
    surveys_participant: {
      organisation_id: number;
      survey_id: number;
      user_id: number;
    };
  }
}
