import { createAdministrator } from '../platform/auth/administrators.ts';
import { generatePassword } from '../platform/auth/passwords.ts';
import { AppError } from '../platform/errors.ts';
import { chooseCity, openDatabaseForCli, option } from './cli-support.ts';

const USAGE = `Usage:
  npm run admin -- create --email EMAIL [--name NAME] [--org SLUG]   make someone an administrator
  npm run admin -- list [--org SLUG]                                 list the administrators

"create" promotes an existing account, or creates a confirmed one. A new account gets ADMIN_PASSWORD when
ADMIN_EMAIL names the same person (both set in the environment), otherwise a random password that is
printed once. Run it while the server is stopped when the city uses the embedded database.`;

/** `npm run admin`: creates administrators from the command line (the first one of a new city, say). */
async function main(args: string[]): Promise<number> {
  const [command] = args;
  const email = option(args, '--email');
  if ((command !== 'create' && command !== 'list') || (command === 'create' && (!email || email.startsWith('--')))) {
    console.error(USAGE);
    return 2;
  }
  const database = await openDatabaseForCli();
  try {
    const organisation = await chooseCity(database, option(args, '--org'));
    if (!organisation) return 1;
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
    const configured = database.config.admin;
    const given =
      configured && configured.email.toLowerCase() === (email as string).toLowerCase()
        ? configured.password
        : undefined;
    const password = given ?? generatePassword();
    const outcome = await createAdministrator(database.db, organisation, {
      email: email as string,
      name: option(args, '--name') ?? '',
      password,
      actorLabel: 'system (npm run admin)',
    });
    if (outcome.created) {
      console.log(`Created the administrator ${email} in ${organisation.slug}.`);
      if (!given) console.log(`Password (shown once, change it after signing in): ${password}`);
    } else {
      console.log(
        `${email} already had an account in ${organisation.slug}: it is now an administrator (password unchanged).`,
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
