import { Type } from 'typebox';
import { Checkbox, ChosenId, FormText, perLanguages, translatedFields, TrimmedText } from '../../platform/web/forms.ts';

/**
 * The staff pages' HTML form bodies. Numbers are checked by the use cases, which name the field (a
 * number field that is not a number reaches them as NaN through `withNumbersAsNaN`).
 */

/** A survey's settings; the days are the city's calendar days (opening at its start, closing at the end of the last). */
export const SurveyForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('title', languages),
    ...translatedFields('description', languages),
    processId: Type.Optional(ChosenId()),
    anonymous: Checkbox(),
    resultsPublic: Checkbox(),
    published: Checkbox(),
    eligibilityLevel: FormText({ maxLength: 20 }),
    opensOn: TrimmedText({ maxLength: 10 }),
    closesOn: TrimmedText({ maxLength: 10 }),
  }),
);

/** A question (its text `question_<lang>`, help `hint_<lang>`); `condition` is "<question id>:<option id>" or empty. */
export const QuestionForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('question', languages),
    ...translatedFields('hint', languages),
    kind: FormText({ maxLength: 20 }),
    required: Checkbox(),
    minChoices: Type.Optional(Type.Integer()),
    maxChoices: Type.Optional(Type.Integer()),
    minValue: Type.Optional(Type.Number()),
    maxValue: Type.Optional(Type.Number()),
    condition: FormText({ maxLength: 30 }),
  }),
);

/** An option of a question, or a row of a matrix. */
export const ChoiceForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('label', languages),
    ...translatedFields('rowLabel', languages),
    role: FormText({ maxLength: 10 }),
  }),
);

export const MoveForm = Type.Object({ direction: FormText({ maxLength: 10 }) });
