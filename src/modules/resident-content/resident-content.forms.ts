import { Type } from 'typebox';
import { FormText } from '../../platform/web/forms.ts';

/** Staff asking an author's consent: the licence and period proposed, a public reply or a direct message. */
export const AskForm = Type.Object({
  licence: FormText({ maxLength: 40 }),
  months: FormText({ maxLength: 4 }),
  via: Type.Union([Type.Literal('reply'), Type.Literal('direct')], { default: 'reply' }),
});

/** The author's answer on the consent page. */
export const ConsentForm = Type.Object({
  answer: Type.Union([Type.Literal('consented'), Type.Literal('declined'), Type.Literal('never')]),
  licence: Type.Optional(FormText({ maxLength: 40 })),
  months: Type.Optional(FormText({ maxLength: 4 })),
});
