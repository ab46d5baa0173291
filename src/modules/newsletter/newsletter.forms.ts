import { Type } from 'typebox';
import { FormText, TrimmedText } from '../../platform/web/forms.ts';
import { MAX_EMAIL_LENGTH } from '../../platform/validation.ts';

const Languages = Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 20 }));
const Departments = Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), { maxItems: 200 }));

/** The subscribe form: an address, the languages and (optionally) the departments. */
export const SubscribeForm = Type.Object({
  email: TrimmedText({ maxLength: MAX_EMAIL_LENGTH }),
  languages: Languages,
  departments: Departments,
});

/** A form that carries only a mailed token (confirm, unsubscribe). */
export const TokenForm = Type.Object({ token: FormText({ maxLength: 200 }) });

/** The preferences form reached from a newsletter's signed link. */
export const PreferencesForm = Type.Object({
  token: FormText({ maxLength: 200 }),
  languages: Languages,
  departments: Departments,
});

/** The staff's schedule of the digest. */
export const ScheduleForm = Type.Object({
  frequency: Type.Union([Type.Literal('weekly'), Type.Literal('daily')]),
  weekday: Type.Integer({ minimum: 1, maximum: 7 }),
  hour: Type.Integer({ minimum: 0, maximum: 23 }),
});
