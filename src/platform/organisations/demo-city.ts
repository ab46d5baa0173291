import type { AppContext } from '../context.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import type { Role } from '../db/schema.ts';
import type { DemoPeople } from '../module.ts';
import type { OrganisationRepository } from './organisations.ts';

/** The fictional city every new installation starts with, so a newcomer sees a living platform. */
export const DEMO_CITY = {
  slug: 'valmora',
  name: { en: 'Valmora', it: 'Valmora', fr: 'Valmora', ro: 'Valmora', de: 'Valmora' },
  languages: ['en', 'it', 'fr', 'ro', 'de'],
  defaultLanguage: 'en',
  timeZone: 'Europe/Rome',
  map: { lat: 44.1035, lng: 9.8245, zoom: 13 },
  branding: {
    primaryColor: '#0b4f8a',
    tagline: {
      en: 'A city that listens, answers and decides with its residents',
      it: 'Una città che ascolta, risponde e decide con i suoi abitanti',
      fr: 'Une ville qui écoute, répond et décide avec ses habitants',
    },
  },
};

export const DEMO_DEPARTMENTS = [
  {
    slug: 'communication',
    name: { en: 'Communication Office', it: 'Ufficio Comunicazione', fr: 'Service communication' },
    email: 'communication@valmora.example',
  },
  {
    slug: 'roads',
    name: { en: 'Roads and Public Works', it: 'Strade e Lavori Pubblici', fr: 'Voirie et travaux publics' },
    email: 'roads@valmora.example',
  },
  {
    slug: 'parks',
    name: { en: 'Parks and Green Spaces', it: 'Parchi e Verde Pubblico', fr: 'Parcs et espaces verts' },
    email: 'parks@valmora.example',
  },
  {
    slug: 'waste',
    name: { en: 'Waste and Cleanliness', it: 'Rifiuti e Decoro Urbano', fr: 'Propreté et déchets' },
    email: 'waste@valmora.example',
  },
  {
    slug: 'mobility',
    name: { en: 'Mobility and Transport', it: 'Mobilità e Trasporti', fr: 'Mobilité et transports' },
    email: 'mobility@valmora.example',
  },
  {
    slug: 'participation',
    name: { en: 'Participation and Budget', it: 'Partecipazione e Bilancio', fr: 'Participation et budget' },
    email: 'participation@valmora.example',
  },
];

interface DemoAccount {
  key: string;
  email: string;
  name: string;
  role: Role;
  language: string;
  birthYear: number;
  departments?: string[];
}

/** The demo accounts; the README lists the same table. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    key: 'admin',
    email: 'admin@valmora.example',
    name: 'Elena Marchetti',
    role: 'admin',
    language: 'en',
    birthYear: 1976,
  },
  {
    key: 'communication',
    email: 'comms@valmora.example',
    name: 'Tomás Ferreira',
    role: 'staff',
    language: 'en',
    birthYear: 1985,
    departments: ['communication'],
  },
  {
    key: 'roads',
    email: 'roads@valmora.example',
    name: 'Ion Popescu',
    role: 'staff',
    language: 'ro',
    birthYear: 1979,
    departments: ['roads'],
  },
  {
    key: 'parks',
    email: 'parks@valmora.example',
    name: 'Marie Dubois',
    role: 'staff',
    language: 'fr',
    birthYear: 1990,
    departments: ['parks', 'waste'],
  },
  {
    key: 'participation',
    email: 'participation@valmora.example',
    name: 'Katrin Tamm',
    role: 'staff',
    language: 'en',
    birthYear: 1988,
    departments: ['participation'],
  },
  {
    key: 'moderator',
    email: 'moderator@valmora.example',
    name: 'Lukas Weber',
    role: 'moderator',
    language: 'de',
    birthYear: 1983,
  },
  {
    key: 'resident1',
    email: 'giulia@valmora.example',
    name: 'Giulia Rossi',
    role: 'resident',
    language: 'it',
    birthYear: 1994,
  },
  {
    key: 'resident2',
    email: 'andrei@valmora.example',
    name: 'Andrei Ionescu',
    role: 'resident',
    language: 'ro',
    birthYear: 1969,
  },
  {
    key: 'resident3',
    email: 'claire@valmora.example',
    name: 'Claire Martin',
    role: 'resident',
    language: 'fr',
    birthYear: 2001,
  },
  {
    key: 'resident4',
    email: 'sam@valmora.example',
    name: 'Sam Okafor',
    role: 'resident',
    language: 'en',
    birthYear: 2009,
  },
];

/**
 * Creates the demo city: the organisation, its departments and accounts, then each module's content
 * (districts first, since everything else is placed in them). Passwords are random unless DEMO_PASSWORD
 * is set, and are printed once so the newcomer can sign in.
 */
export async function seedDemoCity(ctx: AppContext, organisations: OrganisationRepository): Promise<void> {
  const organisation = await organisations.insert({ ...DEMO_CITY, isDefault: true, hosts: [] });
  const departments: Record<string, number> = {};
  for (const department of DEMO_DEPARTMENTS) {
    const row = await ctx.db
      .insertInto('core_department')
      .values({
        organisation_id: organisation.id,
        slug: department.slug,
        name: JSON.stringify(department.name),
        email: department.email,
        archived_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    departments[department.slug] = row.id;
  }

  const people: DemoPeople = { admin: 0, staff: {}, moderator: 0, residents: [], departments };
  const printed: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = ctx.config.demoPassword ?? generatePassword();
    const user = await ctx.db
      .insertInto('core_user')
      .values({
        organisation_id: organisation.id,
        email: account.email,
        display_name: account.name,
        password_hash: await hashPassword(password),
        role: account.role,
        language: account.language,
        email_confirmed_at: new Date(),
        birth_year: account.birthYear,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const slug of account.departments ?? []) {
      await ctx.db
        .insertInto('core_department_member')
        .values({ organisation_id: organisation.id, department_id: departments[slug] as number, user_id: user.id })
        .execute();
    }
    if (account.role === 'admin') people.admin = user.id;
    else if (account.role === 'moderator') people.moderator = user.id;
    else if (account.role === 'staff') people.staff[account.key] = user.id;
    else people.residents.push(user.id);
    printed.push(
      `  ${account.role.padEnd(9)} ${account.email.padEnd(32)} ${ctx.config.demoPassword ? '(DEMO_PASSWORD)' : password}`,
    );
  }

  const seeders = ctx.registry.modules
    .flatMap((module) => (module.demo ? [{ name: module.name, ...module.demo }] : []))
    .sort((a, b) => a.order - b.order);
  for (const seeder of seeders) {
    await seeder.seed(ctx, organisation, people);
    ctx.log.info({ module: seeder.name }, 'demo content added');
  }

  // Printed on purpose: demo passwords are how a newcomer signs in. Real accounts' secrets are never logged.
  ctx.log.info(`demo city "${organisation.name.en}" created; demo accounts:\n${printed.join('\n')}`);
  if (ctx.config.logLevel !== 'silent' && ctx.config.env !== 'test') {
    process.stdout.write(
      `\nDemo city "${organisation.name.en}" is ready. Sign in with one of these accounts:\n${printed.join('\n')}\n\n`,
    );
  }
}
