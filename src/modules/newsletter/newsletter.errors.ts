import { defineErrors } from '../../platform/errors.ts';

/** Errors of the newsletter; pages explain them through `newsletter.error.<CODE>`. */
export const newsletterErrors = defineErrors({
  NEWSLETTER_TOKEN_INVALID: { status: 404, message: 'This newsletter link is unknown or has expired.' },
  NEWSLETTER_BOUNCE_UNAUTHORIZED: {
    status: 401,
    message: 'Delivery reports are accepted only with the city’s bounce token (X-Newsletter-Bounce-Token).',
  },
  NEWSLETTER_BOUNCE_INVALID: {
    status: 400,
    message: 'The body is not a delivery status notification (RFC 3464 multipart/report).',
  },
  NEWSLETTER_LANGUAGE_UNKNOWN: { status: 404, message: 'The city does not publish in this language.' },
});
