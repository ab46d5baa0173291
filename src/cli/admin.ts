import { createAdministrator } from '../platform/auth/administrators.ts';
import { generatePassword } from '../platform/auth/passwords.ts';
import { AppError } from '../platform/errors.ts';
import { MODULES } from '../main.ts';
import { addCity, setCityUrl } from '../platform/organisations/operator.ts';
import { OrganisationRepository } from '../platform/organisations/organisations.ts';
import { cityUrl } from '../platform/organisations/urls.ts';
import { rotateSecretKey } from '../platform/secret-key.ts';
import { chooseCity, openDatabaseForCli, option } from './cli-support.ts';

const USAGE = `Usage:
  npm run admin -- create --email EMAIL [--name NAME] [--org SLUG] [--installation]
                                                                     make someone an administrator (of the
                                                                     installation too with --installation)
  npm run admin -- list [--org SLUG]                                 list the administrators
  npm run admin -- cities                                            list the cities and their addresses
  npm run admin -- city-url --url URL [--org SLUG]                   set the address residents use for a city
  npm run admin -- add-city --slug SLUG --name NAME --url URL [--language en]
                                                                     add a city served at its own address
                                                                     (npm run city -- create has every option)
  npm run admin -- rotate-secret-key                                 re-encrypt with SECRET_KEY what OLD_SECRET_KEY sealed

"create" promotes an existing account, or creates a confirmed one. A new account gets ADMIN_PASSWORD when
ADMIN_EMAIL names the same person (both set in the environment), otherwise a random password that is
printed once. A city's address (https://city.example) is where the links of its mails, feeds and share
cards point; without one the default city uses PUBLIC_URL. "rotate-secret-key" needs OLD_SECRET_KEY (the
key the data was written with) and SECRET_KEY (the new one); see the README. Run these while the server is
stopped when the city uses the embedded database.`;

const COMMANDS = ['create', 'list', 'cities', 'city-url', 'add-city', 'rotate-secret-key'] as const;
const ACTOR = 'system (npm run admin)';

/** Whether the command has the options it needs (a value that is another option counts as missing). */
function complete(args: string[], names: string[]): boolean {
  return names.every((name) => {
    const value = option(args, name);
    return value !== undefined && !value.startsWith('--');
  });
}

/** `npm run admin`: administrators, the cities and their addresses, and changing SECRET_KEY, from the command line. */
async function main(args: string[]): Promise<number> {
  const [command] = args;
  const known = (COMMANDS as readonly string[]).includes(command ?? '');
  const needs: Record<string, string[]> = {
    create: ['--email'],
    'city-url': ['--url'],
    'add-city': ['--slug', '--name', '--url'],
  };
  if (!known || !complete(args, needs[command as string] ?? [])) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'rotate-secret-key' && (!process.env.OLD_SECRET_KEY || !process.env.SECRET_KEY)) {
    console.error(
      'Set OLD_SECRET_KEY to the key the data was written with and SECRET_KEY to the new key (at least 32 characters).',
    );
    return 2;
  }
  const database = await openDatabaseForCli();
  try {
    const organisations = new OrganisationRepository(database.db);
    if (command === 'rotate-secret-key') {
      const outcome = await rotateSecretKey(
        database.db,
        MODULES,
        { old: process.env.OLD_SECRET_KEY as string, next: database.config.secretKey },
        { dropUnrecoverable: args.includes('--drop-unrecoverable') },
      );
      for (const line of outcome.done) console.log(`  - ${line}`);
      if (!outcome.ok) {
        console.error(`Nothing was changed:\n${outcome.problems.map((problem) => `  - ${problem}`).join('\n')}`);
        return 1;
      }
      console.log('SECRET_KEY changed. Start every server with the new SECRET_KEY.');
      return 0;
    }
    if (command === 'cities') {
      for (const city of await organisations.findAll())
        console.log(
          `${city.slug.padEnd(20)} ${cityUrl(database.config, city).origin.padEnd(40)} ${city.isDefault ? 'default' : ''} ${city.publicUrl ? '' : '(address not set)'} hosts: ${city.hosts.join(', ') || '—'}`.trimEnd(),
        );
      return 0;
    }
    if (command === 'add-city') {
      const outcome = await addCity(
        database.db,
        organisations,
        {
          slug: option(args, '--slug') as string,
          name: option(args, '--name') as string,
          url: option(args, '--url') as string,
          language: option(args, '--language') ?? 'en',
        },
        ACTOR,
      );
      if (!outcome.ok) {
        console.error(`The city was not added: ${outcome.problem}.`);
        return 1;
      }
      console.log(
        `Added the city ${outcome.organisation.slug} at ${outcome.organisation.publicUrl ?? ''}. Create its first administrator with: npm run admin -- create --org ${outcome.organisation.slug} --email …`,
      );
      return 0;
    }
    const organisation = await chooseCity(database, option(args, '--org'));
    if (!organisation) return 1;
    if (command === 'city-url') {
      const outcome = await setCityUrl(
        database.db,
        organisations,
        organisation,
        option(args, '--url') as string,
        ACTOR,
      );
      if (!outcome.ok) {
        console.error(`The address was not changed: ${outcome.problem}.`);
        return 1;
      }
      console.log(
        `${organisation.slug} is now at ${outcome.organisation.publicUrl ?? ''} (hosts: ${outcome.organisation.hosts.join(', ')}). Running servers use it within a few seconds for new pages; restart them to be sure.`,
      );
      return 0;
    }
    if (command === 'list') {
      const admins = await database.db
        .selectFrom('core_user')
        .select(['id', 'email', 'display_name'])
        .where('organisation_id', '=', organisation.id)
        .where('role', '=', 'admin')
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute();
      for (const admin of admins)
        console.log(`${String(admin.id).padStart(6)}  ${admin.email ?? ''}  ${admin.display_name}`);
      return 0;
    }
    const email = option(args, '--email') as string;
    const configured = database.config.admin;
    const given =
      configured && configured.email.toLowerCase() === email.toLowerCase() ? configured.password : undefined;
    const password = given ?? generatePassword();
    const outcome = await createAdministrator(database.db, organisation, {
      email,
      name: option(args, '--name') ?? '',
      password,
      actorLabel: ACTOR,
      installation: args.includes('--installation'),
    });
    const scope = args.includes('--installation') ? ' (and of the installation: /installation/cities)' : '';
    if (outcome.created) {
      console.log(`Created the administrator ${email} in ${organisation.slug}${scope}.`);
      if (!given) console.log(`Password (shown once, change it after signing in): ${password}`);
    } else {
      console.log(
        `${email} already had an account in ${organisation.slug}: it is now an administrator${scope} (password unchanged).`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
