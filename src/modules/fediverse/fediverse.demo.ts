import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { ensureActors } from './actors.ts';
import { updateActorProfile, upsertFollower } from './fediverse.repository.ts';

/** Example servers of the demo's followers (reserved `.example` names: nothing is ever delivered there). */
const SERVERS = ['mastodon.example', 'social.example', 'stad.example'];
const PEOPLE = ['anna', 'bruno', 'chloe', 'dario', 'eva', 'femke', 'georg'];

/**
 * The demo city's fediverse accounts: the news desk and every department (key pairs generated), the news
 * desk's profile fields, and a few followers each on example servers.
 */
export async function seedFediverse(ctx: AppContext, organisation: Organisation, _people: DemoPeople): Promise<void> {
  const actors = await ensureActors(ctx, organisation);
  for (const [index, actor] of actors.entries()) {
    if (actor.handle === 'news')
      await updateActorProfile(ctx.db, organisation.id, actor.id, {
        address: 'Town hall, Market Square 1',
        openingHours: 'Monday to Friday 8:30–16:30',
        accessibility: 'Step-free entrance on the side street; hearing loop at the front desk.',
      });
    const count = actor.handle === 'news' ? PEOPLE.length : 1 + (index % 3);
    for (let i = 0; i < count; i++) {
      const host = SERVERS[(index + i) % SERVERS.length] ?? 'mastodon.example';
      const name = PEOPLE[(index + i) % PEOPLE.length] ?? 'anna';
      await upsertFollower(ctx.db, {
        organisationId: organisation.id,
        actorId: actor.id,
        remoteActor: `https://${host}/users/${name}`,
        remoteHost: host,
        inbox: `https://${host}/users/${name}/inbox`,
        sharedInbox: `https://${host}/inbox`,
        followId: null,
      });
    }
  }
}
