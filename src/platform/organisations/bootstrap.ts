import type { AppContext } from '../context.ts';
import { hashPassword } from '../auth/passwords.ts';
import { findUserByEmail } from '../auth/users.ts';
import { recordAudit } from '../audit.ts';
import { seedDemoCity } from './demo-city.ts';
import type { OrganisationRepository } from './organisations.ts';

/**
 * Makes sure the installation has a city to serve: on an empty database, the demo city (or, with
 * `--no-demo`, an empty default city). Then creates the first administrator from ADMIN_EMAIL and
 * ADMIN_PASSWORD when they are set and that account does not exist yet.
 */
export async function ensureOrganisation(ctx: AppContext, organisations: OrganisationRepository, options: { demo: boolean }): Promise<void> {
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
  const passwordHash = await hashPassword(admin.password);
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .insertInto('core_user')
      .values({
        organisation_id: organisation.id,
        email: admin.email.toLowerCase(),
        display_name: 'Administrator',
        password_hash: passwordHash,
        role: 'admin',
        email_confirmed_at: new Date(),
        language: null,
        locked_until: null,
        birth_year: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { organisationId: organisation.id, actor: { id: null, label: 'system (ADMIN_EMAIL)' }, action: 'user.create', subjectType: 'user', subjectId: user.id, after: { role: 'admin' } });
  });
  ctx.log.info('created the first administrator from ADMIN_EMAIL');
}
