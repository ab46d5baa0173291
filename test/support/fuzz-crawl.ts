import type { RegisteredRoute } from '../../src/platform/http/app.ts';
import type { TestClient } from './client.ts';

/**
 * What the fuzz test knows of the site before it sends bad values: the registered routes as
 * patterns, and, from walking the pages a role can reach, real values for each route's path
 * parameters, the query names its links and search forms use, and every form with its fields.
 */

export interface RoutePattern extends RegisteredRoute {
  params: string[];
  regex: RegExp;
}

export interface FormField {
  name: string;
  value: string;
  /** Sent with the form as the page has it (unticked boxes and unchosen buttons are not). */
  sent: boolean;
}

export interface CrawledForm {
  role: string;
  method: string;
  /** The action as a path with its query. */
  action: string;
  pattern: RoutePattern;
  multipart: boolean;
  fields: FormField[];
}

export interface SiteMap {
  routes: RoutePattern[];
  /** Per route pattern (its url), path parameter values seen in links (percent-encoded as sent). */
  samples: Map<string, Array<Record<string, string>>>;
  /** Per route pattern, the query names its links and GET forms use. */
  queryNames: Map<string, Set<string>>;
  forms: CrawledForm[];
  pages: number;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A route's url as a pattern: `:name` matches one path segment (up to a `/`). */
export function routePattern(route: RegisteredRoute): RoutePattern {
  const params: string[] = [];
  const source = route.url
    .split(/(:[A-Za-z_][\w]*|\*)/)
    .map((part) => {
      if (part === '*') {
        params.push('*');
        return '(.*)';
      }
      if (part.startsWith(':')) {
        params.push(part.slice(1));
        return '([^/]+?)';
      }
      return escapeRegex(part);
    })
    .join('');
  return { ...route, params, regex: new RegExp(`^${source}$`) };
}

/** The route a path belongs to: among those that match, the one with the fewest parameters. */
export function matchRoute(
  routes: readonly RoutePattern[],
  method: string,
  path: string,
): { route: RoutePattern; values: Record<string, string> } | undefined {
  let best: { route: RoutePattern; values: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.regex.exec(path);
    if (!match) continue;
    if (best && best.route.params.length <= route.params.length) continue;
    best = { route, values: Object.fromEntries(route.params.map((name, index) => [name, match[index + 1] ?? ''])) };
  }
  return best;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:-]+)(?:="([^"]*)"|='([^']*)')?/g)) {
    const name = match[1]?.toLowerCase();
    if (name) found[name] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return found;
}

/** The fields of a form's HTML, each with the value the page gives it. */
export function formFields(inner: string): FormField[] {
  const fields: FormField[] = [];
  const seen = new Set<string>();
  const add = (name: string | undefined, value: string, sent: boolean) => {
    if (!name) return;
    const existing = fields.find((field) => field.name === name);
    if (existing) {
      if (!existing.sent && sent) Object.assign(existing, { value, sent });
      return;
    }
    seen.add(name);
    fields.push({ name, value, sent });
  };
  const tags =
    /<(input|button)\b([^>]*)>|<select\b([^>]*)>([\s\S]*?)<\/select>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi;
  for (const match of inner.matchAll(tags)) {
    if (match[1]) {
      const attrs = attributes(match[2] ?? '');
      const type = (attrs.type ?? (match[1].toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'file' || type === 'reset' || type === 'image') continue;
      if (type === 'checkbox' || type === 'radio') add(attrs.name, attrs.value ?? 'on', 'checked' in attrs);
      else if (type === 'submit' || type === 'button') add(attrs.name, attrs.value ?? '', false);
      else add(attrs.name, attrs.value ?? '', true);
    } else if (match[3] !== undefined) {
      const attrs = attributes(match[3]);
      const options = [...(match[4] ?? '').matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((option) => {
        const optionAttrs = attributes(option[1] ?? '');
        return {
          value: optionAttrs.value ?? decodeEntities(option[2] ?? '').trim(),
          selected: 'selected' in optionAttrs,
        };
      });
      const chosen =
        options.find((option) => option.selected) ?? options.find((option) => option.value !== '') ?? options[0];
      add(attrs.name, chosen?.value ?? '', true);
    } else {
      const attrs = attributes(match[5] ?? '');
      add(attrs.name, decodeEntities(match[6] ?? ''), true);
    }
  }
  return fields;
}

export interface CrawlRole {
  name: string;
  client: TestClient;
  /** Where this role's walk starts (besides every route without parameters). */
  seeds: string[];
}

const SKIPPED_PATHS = /^\/(?:sign-out$|assets\/|[\w-]+\/assets\/)|\.(?:csv|atom|svg|png|jpe?g|json|geojson|xml)$/;

/**
 * Walks the pages each role reaches from its seeds and from every GET route without parameters,
 * following links and GET forms, reading at most `perRoute` pages per route and role, until `deadline`.
 */
export async function crawl(
  registered: readonly RegisteredRoute[],
  roles: readonly CrawlRole[],
  options: { perRoute: number; deadline: number; baseUrl: string },
): Promise<SiteMap> {
  const routes = registered.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS').map(routePattern);
  const site: SiteMap = { routes, samples: new Map(), queryNames: new Map(), forms: [], pages: 0 };
  const formKeys = new Set<string>();
  const sampleKeys = new Set<string>();
  const noteUrl = (method: string, href: string): string | undefined => {
    const url = new URL(href, options.baseUrl);
    if (url.origin !== new URL(options.baseUrl).origin) return undefined;
    const matched = matchRoute(routes, method, url.pathname);
    if (!matched) return undefined;
    const pattern = matched.route.url;
    if (matched.route.params.length) {
      const key = `${method} ${pattern} ${JSON.stringify(matched.values)}`;
      if (!sampleKeys.has(key)) {
        sampleKeys.add(key);
        const list = site.samples.get(pattern) ?? [];
        list.push(matched.values);
        site.samples.set(pattern, list);
      }
    }
    const names = site.queryNames.get(pattern) ?? new Set<string>();
    for (const name of url.searchParams.keys()) names.add(name);
    site.queryNames.set(pattern, names);
    return pattern;
  };

  for (const role of roles) {
    const visits = new Map<string, number>();
    const seen = new Set<string>();
    const queue = [
      ...role.seeds,
      ...routes.filter((route) => route.method === 'GET' && route.params.length === 0).map((route) => route.url),
    ];
    while (queue.length > 0 && Date.now() < options.deadline) {
      const path = queue.shift() as string;
      if (seen.has(path) || SKIPPED_PATHS.test(new URL(path, options.baseUrl).pathname)) continue;
      seen.add(path);
      const pattern = noteUrl('GET', path);
      if (pattern === undefined) continue;
      const count = visits.get(pattern) ?? 0;
      if (count >= options.perRoute) continue;
      visits.set(pattern, count + 1);
      const response = await role.client.get(path);
      const type = response.headers.get('content-type') ?? '';
      const body = await response.text();
      if (!response.ok || !type.startsWith('text/html')) continue;
      site.pages++;
      for (const link of body.matchAll(/<a\b[^>]*\bhref="([^"#]*)/gi)) {
        const href = decodeEntities(link[1] ?? '');
        if (!href || /^(?:mailto|tel|javascript):/i.test(href)) continue;
        const url = new URL(href, new URL(path, options.baseUrl));
        if (url.origin === new URL(options.baseUrl).origin && noteUrl('GET', url.pathname + url.search))
          queue.push(url.pathname + url.search);
      }
      for (const form of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
        const attrs = attributes(form[1] ?? '');
        const method = (attrs.method ?? 'get').toUpperCase();
        const action = new URL(attrs.action ?? path, new URL(path, options.baseUrl));
        if (action.origin !== new URL(options.baseUrl).origin) continue;
        const matched = matchRoute(routes, method, action.pathname);
        if (!matched) continue;
        const fields = formFields(form[2] ?? '');
        if (method === 'GET') {
          const names = site.queryNames.get(matched.route.url) ?? new Set<string>();
          for (const field of fields) names.add(field.name);
          site.queryNames.set(matched.route.url, names);
          // submitted as the page has it: the answer may link elsewhere with these names (a CSV of the filtered list)
          const query = new URLSearchParams(
            fields.filter((field) => field.sent).map((field) => [field.name, field.value]),
          );
          queue.push(`${action.pathname}?${query.toString()}`);
          continue;
        }
        noteUrl(method, action.pathname);
        const key = `${role.name} ${method} ${matched.route.url} ${fields.map((f) => f.name).join(',')}`;
        if (formKeys.has(key)) continue;
        formKeys.add(key);
        site.forms.push({
          role: role.name,
          method,
          action: action.pathname + action.search,
          pattern: matched.route,
          multipart: (attrs.enctype ?? '').toLowerCase() === 'multipart/form-data',
          fields,
        });
      }
    }
  }
  return site;
}
