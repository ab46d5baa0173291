import { recordAudit } from '../audit.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { isLanguage } from '../i18n/languages.ts';
import type { Organisation, OrganisationRepository } from './organisations.ts';
import { parseCityUrl } from './urls.ts';

/** What the operator's commands answer: done, or why not in plain words for the terminal. */
export type OperatorOutcome = { ok: true; organisation: Organisation } | { ok: false; problem: string };

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether another city already answers on this host name. */
function hostTaken(all: Organisation[], hostname: string, except?: number): Organisation | undefined {
  return all.find((other) => other.id !== except && other.hosts.includes(hostname));
}

/**
 * Sets the address residents use for a city (`npm run admin -- city-url`): links in its mails, feeds and
 * share cards point there, and its host name is added to the city's hosts so that requests to it reach
 * this city. Audited as a system action.
 */
export async function setCityUrl(
  db: Db,
  organisations: OrganisationRepository,
  organisation: Organisation,
  text: string,
  actorLabel: string,
): Promise<OperatorOutcome> {
  const parsed = parseCityUrl(text);
  if (!parsed.ok) return parsed;
  const taken = hostTaken(await organisations.findAll(), parsed.hostname, organisation.id);
  if (taken) return { ok: false, problem: `the host ${parsed.hostname} already belongs to the city ${taken.slug}` };
  const hosts = organisation.hosts.includes(parsed.hostname)
    ? organisation.hosts
    : [...organisation.hosts, parsed.hostname];
  const updated = await inTransaction(db, async (tx) => {
    const result = await organisations.update(organisation.id, { publicUrl: parsed.url, hosts }, tx);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: null, label: actorLabel },
      action: 'organisation.url',
      subjectType: 'organisation',
      subjectId: organisation.id,
      before: { publicUrl: organisation.publicUrl, hosts: organisation.hosts },
      after: { publicUrl: result.publicUrl, hosts: result.hosts },
    });
    return result;
  });
  return { ok: true, organisation: updated };
}

/** Adds a city to the installation (`npm run admin -- add-city`), served at its own address. */
export async function addCity(
  db: Db,
  organisations: OrganisationRepository,
  input: { slug: string; name: string; url: string; language: string; lat?: number; lng?: number },
  actorLabel: string,
): Promise<OperatorOutcome> {
  const slug = input.slug.trim().toLowerCase();
  if (!SLUG.test(slug))
    return { ok: false, problem: `the slug must be lowercase letters, digits and dashes (got "${input.slug}")` };
  const name = input.name.trim();
  if (!name || name.length > 120) return { ok: false, problem: 'give the city a name of 1 to 120 characters' };
  if (!isLanguage(input.language))
    return { ok: false, problem: `"${input.language}" is not a language of the platform` };
  const parsed = parseCityUrl(input.url);
  if (!parsed.ok) return parsed;
  const all = await organisations.findAll();
  if (all.some((other) => other.slug === slug)) return { ok: false, problem: `there is already a city ${slug}` };
  const taken = hostTaken(all, parsed.hostname);
  if (taken) return { ok: false, problem: `the host ${parsed.hostname} already belongs to the city ${taken.slug}` };
  const organisation = await inTransaction(db, async (tx) => {
    const created = await organisations.insert(
      {
        slug,
        name: { [input.language]: name },
        hosts: [parsed.hostname],
        languages: [input.language],
        defaultLanguage: input.language,
        map: { lat: input.lat ?? 50.85, lng: input.lng ?? 4.35 },
        publicUrl: parsed.url,
      },
      tx,
    );
    await recordAudit(tx, {
      organisationId: created.id,
      actor: { id: null, label: actorLabel },
      action: 'organisation.create',
      subjectType: 'organisation',
      subjectId: created.id,
      after: { slug, name: created.name, publicUrl: created.publicUrl, hosts: created.hosts },
    });
    return created;
  });
  return { ok: true, organisation };
}
