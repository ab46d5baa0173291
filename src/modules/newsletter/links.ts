import { hmac, safeEqual } from '../../platform/auth/tokens.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/**
 * The signed token of the links in every newsletter (preferences, unsubscribe, one-click): the
 * subscriber's id and an HMAC under SECRET_KEY of the city, the id and the subscriber's salt. Nothing is
 * stored for it; a new salt (subscribing again) voids the old links, and so does deleting the address.
 */
export function subscriberToken(secretKey: string, organisationId: number, id: number, salt: string): string {
  return `${id}.${hmac(secretKey, `newsletter:${organisationId}:${id}:${salt}`)}`;
}

/** The subscriber id a token claims, before its signature is checked against the stored salt. */
export function tokenSubscriberId(token: string): number | undefined {
  const match = /^([1-9][0-9]{0,9})\.[A-Za-z0-9_-]{43}$/.exec(token);
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) && id <= 2_147_483_647 ? id : undefined;
}

export function tokenMatches(
  secretKey: string,
  organisationId: number,
  id: number,
  salt: string,
  token: string,
): boolean {
  return safeEqual(subscriberToken(secretKey, organisationId, id, salt), token);
}

export interface SubscriberLinks {
  preferences: string;
  unsubscribe: string;
  /** RFC 8058: the address of `List-Unsubscribe`, which takes the one-click POST. */
  oneClick: string;
}

export function subscriberLinks(
  config: { publicUrl: URL; secretKey: string },
  organisation: Organisation,
  subscriber: { id: number; tokenSalt: string },
): SubscriberLinks {
  const token = subscriberToken(config.secretKey, organisation.id, subscriber.id, subscriber.tokenSalt);
  const link = (path: string) => absoluteUrl(config, organisation, `${path}?token=${encodeURIComponent(token)}`);
  return {
    preferences: link('/newsletter/preferences'),
    unsubscribe: link('/newsletter/unsubscribe'),
    oneClick: link('/newsletter/unsubscribe/one-click'),
  };
}
