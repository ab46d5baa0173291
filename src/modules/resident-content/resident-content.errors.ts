import { defineErrors } from '../../platform/errors.ts';

/** Codes of residents' content: collected posts, consent requests and answers. */
export const residentContentErrors = defineErrors({
  RESIDENT_POST_NOT_FOUND: { status: 404, message: 'There is no such collected post.' },
  RESIDENT_POST_NOT_ASKABLE: {
    status: 409,
    message: 'Consent can only be asked for a collected post whose author still allows discovery and was not asked.',
  },
  RESIDENT_ASK_INVALID: {
    status: 400,
    message: 'Choose a licence, a period and how to ask (a reply or a direct message).',
  },
  RESIDENT_ASK_FAILED: {
    status: 502,
    message: 'The channel did not take the message asking consent; nothing was recorded, try again later.',
  },
  RESIDENT_NO_CHANNEL: {
    status: 409,
    message: 'The channel the post came from is not configured any more, so its author cannot be asked.',
  },
  RESIDENT_CONSENT_LINK_INVALID: {
    status: 404,
    message: 'This consent link is not valid: it was already used, it expired, or it never existed.',
  },
  RESIDENT_CONSENT_INVALID: { status: 400, message: 'Choose a licence and a period among those offered.' },
});
