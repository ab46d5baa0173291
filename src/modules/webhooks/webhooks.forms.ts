import { Type } from 'typebox';
import { TrimmedText } from '../../platform/web/forms.ts';

export const MAX_URL_LENGTH = 2000;
export const MAX_DESCRIPTION_LENGTH = 300;

/** A subscription as the administrator writes it: the address, a note, the event types (checkboxes). */
export const SubscriptionForm = Type.Object({
  url: TrimmedText({ maxLength: MAX_URL_LENGTH }),
  description: TrimmedText({ maxLength: MAX_DESCRIPTION_LENGTH }),
  events: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
});
