import type { AppContext } from '../context.ts';
import { createAdministrator } from '../auth/administrators.ts';
import { findUserByEmail } from '../auth/users.ts';
import { seedDemoCity } from './demo-city.ts';
import type { OrganisationRepository } from './organisations.ts';

/**
 * Makes sure the installation has a city to serve: on an empty database, the demo city (or, with
 * `--no-demo`, an empty default city). Then creates the first administrator from ADMIN_EMAIL and
 * ADMIN_PASSWORD when they are set and that account does not exist yet; that person is an installation administrator.
 */
export async function ensureOrganisation(
  ctx: AppContext,
  organisations: OrganisationRepository,
  options: { demo: boolean },
): Promise<void> {
  if ((await organisations.count()) === 0) {
    if (options.demo) {
      await seedDemoCity(ctx, organisations);
    } else {
      await organisations.insert({
        slug: 'city',
        name: { en: 'Our City' },
        isDefault: true,
        languages: ['en'],
        defaultLanguage: 'en',
        map: { lat: 50.85, lng: 4.35, zoom: 12 },
      });
      ctx.log.info('created an empty default city (started with --no-demo)');
    }
  }
  const admin = ctx.config.admin;
  if (!admin) return;
  const organisation = (await organisations.findAll()).find((o) => o.isDefault) ?? (await organisations.findAll())[0];
  if (!organisation || (await findUserByEmail(ctx.db, organisation.id, admin.email))) return;
  await createAdministrator(ctx.db, organisation, {
    email: admin.email,
    name: 'Administrator',
    password: admin.password,
    actorLabel: 'system (ADMIN_EMAIL)',
    // whoever set up the installation runs it: the /installation pages (every city's addresses and map tiles)
    installation: true,
  });
  ctx.log.info('created the first administrator from ADMIN_EMAIL');
}
