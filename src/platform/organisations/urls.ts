import type { Organisation } from './organisations.ts';

/** What decides a city's address. */
export type CityAddress = Pick<Organisation, 'publicUrl' | 'isDefault' | 'hosts'>;

/**
 * The address a city is served at: the public URL its operator stored with it; else, for the default city,
 * PUBLIC_URL; else the city's first host name with PUBLIC_URL's scheme and port. `installation` is
 * PUBLIC_URL: `ctx.config` in use cases and jobs, `request.server` in pages.
 */
export function cityUrl(installation: { publicUrl: URL }, city: CityAddress): URL {
  if (city.publicUrl) return new URL(city.publicUrl);
  const host = city.hosts[0];
  if (city.isDefault || !host) return installation.publicUrl;
  const url = new URL(installation.publicUrl.origin);
  url.hostname = host;
  return url;
}

/**
 * An absolute address on a city's site, for what is read away from it: links in mails (confirmations,
 * password resets, notifications, unsubscribe links), feeds, Open311 discovery, share cards, answers on
 * other channels. Every absolute URL the platform writes goes through here, so a second city's links open
 * on the second city's host.
 */
export function absoluteUrl(installation: { publicUrl: URL }, city: CityAddress, path: string): string {
  return new URL(path, cityUrl(installation, city)).toString();
}

/**
 * Checks an address an operator gives for a city: http or https, a host name, nothing after the host
 * but an optional `/`. Returns the address as stored (its origin), or a problem in plain words.
 */
export function parseCityUrl(
  text: string,
): { ok: true; url: string; hostname: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: `"${text}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, problem: `the address must start with http:// or https:// (got "${text}")` };
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return {
      ok: false,
      problem: `give only the scheme and host (and port), such as https://city.example (got "${text}")`,
    };
  return { ok: true, url: url.origin, hostname: url.hostname };
}
