import { defineErrors } from '../../platform/errors.ts';

/** Errors of the webhooks; pages explain them through `webhooks.error.<CODE>`. */
export const webhooksErrors = defineErrors({
  WEBHOOKS_SUBSCRIPTION_NOT_FOUND: { status: 404, message: 'There is no such webhook subscription.' },
  WEBHOOKS_DELIVERY_NOT_FOUND: { status: 404, message: 'There is no such delivery of this subscription.' },
  WEBHOOKS_DELIVERY_UNFINISHED: {
    status: 409,
    message: 'This delivery is still being attempted; it can be sent again once it succeeded or failed.',
  },
});
