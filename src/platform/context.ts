import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Registry } from './module.ts';
import type { Outbound } from './outbound/outbound.ts';
import type { OrganisationRepository } from './organisations/organisations.ts';

/** What every use case may need, built once at start and passed down explicitly. */
export interface AppContext {
  config: Config;
  db: Db;
  dbKind: 'pglite' | 'postgres';
  log: Logger;
  jobs: JobQueue;
  mail: Mailer;
  /** The only way to contact a host someone other than the operator named (feeds, channel APIs, IMAP, SMTP). */
  outbound: Outbound;
  registry: Registry;
  /** The cities of this installation; updates through it refresh the host cache the server reads. */
  organisations: OrganisationRepository;
}
