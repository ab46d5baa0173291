import { Type } from 'typebox';
import { Checkbox, TrimmedText } from '../../platform/web/forms.ts';

/** The administrators' form of the city's open-data settings. */
export const SettingsForm = Type.Object({
  licence: TrimmedText({ maxLength: 40 }),
  contactEmail: TrimmedText({ maxLength: 254 }),
  ipaCode: TrimmedText({ maxLength: 40 }),
  dcatApIt: Type.Optional(Checkbox()),
  geoDcatAp: Type.Optional(Checkbox()),
});
