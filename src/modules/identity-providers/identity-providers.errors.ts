import { defineErrors } from '../../platform/errors.ts';

export const identityProviderErrors = defineErrors({
  IDENTITY_PROVIDER_NOT_FOUND: { status: 404, message: 'There is no such identity provider in this city.' },
  IDENTITY_PROVIDER_LINK_NOT_FOUND: { status: 404, message: 'This account has no such linked identity provider.' },
  IDENTITY_PROVIDER_LAST_WAY_IN: {
    status: 409,
    message: 'This link is the only way into the account: set a password or link another provider first.',
  },
  OIDC_STATE_INVALID: {
    status: 400,
    message: 'The sign-in answer does not belong to a sign-in started in this browser, or was already used.',
  },
  OIDC_EXPIRED: { status: 400, message: 'The sign-in took too long. Please start again.' },
  OIDC_DENIED: { status: 403, message: 'The identity provider did not let the sign-in go ahead (consent refused).' },
  OIDC_PROVIDER_UNAVAILABLE: { status: 502, message: 'The identity provider could not be reached. Try again later.' },
  OIDC_RESPONSE_INVALID: {
    status: 400,
    message: 'The identity provider’s answer did not pass the checks (signature, issuer, audience, nonce).',
  },
  OIDC_STAFF_ONLY: {
    status: 403,
    message: 'This identity provider is for the city’s staff, and no staff account is linked to this identity.',
  },
  OIDC_EMAIL_IN_USE: {
    status: 409,
    message:
      'An account with this e-mail address exists. Sign in with its password, then link the provider from your account page.',
  },
  OIDC_ALREADY_LINKED: { status: 409, message: 'This identity is already linked to another account.' },
});

export type OidcFailure =
  | 'OIDC_STATE_INVALID'
  | 'OIDC_EXPIRED'
  | 'OIDC_DENIED'
  | 'OIDC_PROVIDER_UNAVAILABLE'
  | 'OIDC_RESPONSE_INVALID'
  | 'OIDC_STAFF_ONLY'
  | 'OIDC_EMAIL_IN_USE'
  | 'OIDC_ALREADY_LINKED'
  | 'IDENTITY_PROVIDER_NOT_FOUND';
