import { Type } from 'typebox';
import { FormText, perLanguages, translatedFields, TrimmedText } from '../../platform/web/forms.ts';

/** Moving a post: the new date and time (`YYYY-MM-DDTHH:MM`, a datetime-local field, in the city's time zone). */
export const MovePostForm = Type.Object({ at: TrimmedText({ maxLength: 20 }), back: Type.Optional(FormText()) });

/** A blackout period: its first and last day (YYYY-MM-DD) and its reason in each of the city's languages. */
export const BlackoutForm = perLanguages((languages) =>
  Type.Object({
    firstDay: TrimmedText({ maxLength: 10 }),
    lastDay: TrimmedText({ maxLength: 10 }),
    ...translatedFields('reason', languages),
  }),
);
