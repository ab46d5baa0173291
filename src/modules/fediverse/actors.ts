import type { AppContext } from '../../platform/context.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findActor, findActorCandidates, insertActor, NEWS_HANDLE, type ActorRow } from './fediverse.repository.ts';
import { generateActorKeys } from './keys.ts';

/** A handle is a department slug or `news`: lower-case letters, digits and dashes. */
export function isHandle(text: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,62}$/.test(text);
}

/**
 * The actor of a handle in a city, its key pairs generated and stored the first time it is asked for
 * (the news desk, or a department that exists and is not archived); undefined for any other handle.
 */
export async function ensureActor(
  ctx: AppContext,
  organisation: Organisation,
  handle: string,
): Promise<ActorRow | undefined> {
  if (!isHandle(handle)) return undefined;
  const existing = await findActor(ctx.db, organisation.id, handle);
  if (existing) return existing;
  const candidate = (await findActorCandidates(ctx.db, organisation.id)).find((c) => c.handle === handle);
  if (!candidate) return undefined;
  const keys = await generateActorKeys(ctx.config.secretKey);
  return insertActor(ctx.db, {
    organisationId: organisation.id,
    handle,
    departmentId: candidate.departmentId,
    keys,
  });
}

/** Every actor a city has: the news desk and each department, created as needed. */
export async function ensureActors(ctx: AppContext, organisation: Organisation): Promise<ActorRow[]> {
  const candidates = await findActorCandidates(ctx.db, organisation.id);
  const actors: ActorRow[] = [];
  for (const candidate of candidates) {
    const actor = await ensureActor(ctx, organisation, candidate.handle);
    if (actor) actors.push(actor);
  }
  return actors;
}

/** The language a city speaks to the fediverse in: its default one. */
export function cityLanguage(organisation: Organisation) {
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/** An actor's display name: "<city> news" for the desk, else the department's name. */
export async function actorName(ctx: AppContext, organisation: Organisation, actor: ActorRow): Promise<string> {
  const language = cityLanguage(organisation);
  const city = localized(organisation.name, language, organisation.defaultLanguage) || organisation.slug;
  if (actor.handle === NEWS_HANDLE || actor.departmentId === null)
    return translator(language)('fediverse.actor.news', { city });
  const candidates = await findActorCandidates(ctx.db, organisation.id);
  const department = candidates.find((c) => c.departmentId === actor.departmentId);
  const name = localized(department?.name, language, organisation.defaultLanguage) || actor.handle;
  return translator(language)('fediverse.actor.department', { department: name, city });
}
