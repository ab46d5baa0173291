import type { Logger } from 'pino';
import { pino } from 'pino';
import { accountsModule } from './modules/accounts/index.ts';
import { administrationModule } from './modules/administration/index.ts';
import { cityModule } from './modules/city/index.ts';
import { placesModule } from './modules/places/index.ts';
import { reportsModule } from './modules/reports/index.ts';
import { verificationModule } from './modules/verification/index.ts';
import { budgetsModule } from './modules/budgets/index.ts';
import { participationModule } from './modules/participation/index.ts';
import { opinionMapsModule } from './modules/opinion-maps/index.ts';
import { inboxModule, startInboundMail } from './modules/inbox/index.ts';
import { legalModule } from './modules/legal/index.ts';
import { publishingModule } from './modules/publishing/index.ts';
import { newsletterModule } from './modules/newsletter/index.ts';
import { fediverseModule } from './modules/fediverse/index.ts';
import { openDataModule } from './modules/open-data/index.ts';
import { residentContentModule } from './modules/resident-content/index.ts';
import { insightsModule } from './modules/insights/index.ts';
import { webhooksModule } from './modules/webhooks/index.ts';
import { identityProvidersModule } from './modules/identity-providers/index.ts';
import { guideModule } from './modules/guide/index.ts';
import { surveysModule } from './modules/surveys/index.ts';
import type { Config } from './platform/config.ts';
import {
  installCatalogues,
  platformCatalogue,
  readCatalogues,
  type CatalogueSource,
} from './platform/i18n/catalogues.ts';
import { LANGUAGE_CODES } from './platform/i18n/languages.ts';
import type { AppContext } from './platform/context.ts';
import { openDatabase, type DatabaseHandle } from './platform/db/database.ts';
import { platformMigrations } from './platform/db/migrations/index.ts';
import { migrate } from './platform/db/migrator.ts';
import { createHttpApp, type App } from './platform/http/app.ts';
import { registerApiDocs, registerOpenApi } from './platform/http/openapi.ts';
import { registerPlatformRoutes } from './platform/http/platform-routes.ts';
import { JobQueue } from './platform/jobs/queue.ts';
import { loggerOptions } from './platform/logger.ts';
import { Mailer } from './platform/mail/mailer.ts';
import { buildRegistry, collectMigrations, type ModuleManifest } from './platform/module.ts';
import { OrganisationRepository } from './platform/organisations/organisations.ts';
import { Outbound } from './platform/outbound/outbound.ts';
import { registerAssets } from './platform/web/assets.ts';
import { registerSiteBanners } from './platform/web/banners.ts';
import { autovacuumRuns } from './platform/db/statistics.ts';
import { registerMaintenance } from './platform/maintenance.ts';
import { ensureOrganisation } from './platform/organisations/bootstrap.ts';
import { checkSecretKey } from './platform/secret-key.ts';

/** The modules of this installation, in the order their demo content and pages build on each other. */
export const MODULES: readonly ModuleManifest[] = [
  cityModule,
  placesModule,
  accountsModule,
  legalModule,
  administrationModule,
  reportsModule,
  verificationModule,
  budgetsModule,
  participationModule,
  opinionMapsModule,
  inboxModule,
  publishingModule,
  newsletterModule,
  fediverseModule,
  openDataModule,
  residentContentModule,
  insightsModule,
  webhooksModule,
  identityProvidersModule,
  guideModule,
  surveysModule,
];

/** The catalogues of interface strings the modules hand over, with the platform's own first. */
export const CATALOGUE_SOURCES: readonly CatalogueSource[] = [
  platformCatalogue,
  ...MODULES.flatMap((module) => (module.locales ? [{ name: module.name, folder: module.locales }] : [])),
];
installCatalogues(readCatalogues(CATALOGUE_SOURCES, LANGUAGE_CODES));

export interface BuildOptions {
  /** Seed the demo city into an empty database (the default for `npm start`). */
  demo: boolean;
  /** Run background jobs in this process. Tests turn it off and run jobs explicitly. */
  worker?: boolean;
  /** Keep the database in memory (tests) instead of `config.dataDir`. */
  inMemory?: boolean;
  /** PGlite: start from this dump (`Platform.dumpDatabase`) instead of an empty database; tests share one seeded city. */
  initialData?: Blob;
  log?: Logger;
  /** Modules added after the installation's own (tests: a fake publishing channel); no migrations or locales. */
  extraModules?: readonly ModuleManifest[];
}

export interface Platform {
  app: App;
  ctx: AppContext;
  organisations: OrganisationRepository;
  /** The embedded database as a tarball (PGlite); undefined on PostgreSQL. */
  dumpDatabase(): Promise<Blob | undefined>;
  /** Stops the worker, finishes requests in flight, and closes the database. */
  close(): Promise<void>;
}

/** Builds the whole platform: database, migrations, modules, HTTP. `server.ts` only listens. */
export async function buildPlatform(config: Config, options: BuildOptions): Promise<Platform> {
  const log = options.log ?? pino(loggerOptions(config));
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      poolSize: config.databasePoolSize,
      dataDir: options.inMemory ? undefined : config.dataDir,
      initialData: options.initialData,
    });
    log.info({ database: database.kind, location: database.location }, 'database open');
    const modules = [...MODULES, ...(options.extraModules ?? [])];
    const registry = buildRegistry(modules);
    const jobs = new JobQueue(database.db, log);
    const mail = new Mailer(config, database.db, jobs, log);
    const organisations = new OrganisationRepository(database.db);
    const ctx: AppContext = {
      config,
      db: database.db,
      dbKind: database.kind,
      log,
      jobs,
      mail,
      outbound: new Outbound({ allow: config.outbound.allowHosts, log }),
      registry,
      organisations,
    };
    for (const module of modules) {
      for (const [kind, job] of Object.entries(module.jobs?.(ctx) ?? {})) {
        if (typeof job === 'function') jobs.register(kind, job);
        else jobs.register(kind, job.handler, { everyMs: job.everyMs });
      }
    }
    // Planner statistics: PGlite runs no autovacuum, and a PostgreSQL server may have it turned off.
    registerMaintenance(ctx, { refreshStatistics: !(await autovacuumRuns(database.db, database.kind)) });

    // One server at a time migrates, checks the key and creates the first city; the others wait, then find it done.
    await database.exclusively(async () => {
      const applied = await migrate(ctx.db, collectMigrations(platformMigrations, MODULES));
      if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
      if ((await checkSecretKey(ctx.db, config.secretKey)) === 'stored') log.info('SECRET_KEY check value stored');
      await ensureOrganisation(ctx, organisations, { demo: options.demo });
    });

    const app = await createHttpApp({ config, db: database.db, log, organisations, writes: database.writes });
    app.decorate('siteNavigation', {
      main: registry.navigation,
      admin: registry.adminNavigation,
      footer: registry.footerNavigation,
    });
    app.decorate('publicUrl', config.publicUrl);
    app.decorate('mapSettings', config.map);
    registerSiteBanners(app, ctx, registry.siteBanners);
    await registerOpenApi(app, registry.apiTags);
    const state = { ready: false };
    registerAssets(app);
    registerPlatformRoutes(app, ctx, state);
    registerApiDocs(app);
    for (const module of modules) await module.routes?.(app, ctx);
    await app.ready();
    state.ready = true;
    if (options.worker !== false) {
      await jobs.scheduleRecurring();
      jobs.start();
    }
    const inboundMail =
      config.inboundSmtpPort === undefined
        ? undefined
        : await startInboundMail(ctx, { port: config.inboundSmtpPort, host: config.host });

    const handle = database;
    return {
      app,
      ctx,
      organisations,
      dumpDatabase: async () => handle.dump?.(),
      async close() {
        state.ready = false;
        await inboundMail?.close();
        await jobs.stop();
        await app.close();
        mail.close();
        await handle.close();
      },
    };
  } catch (error) {
    await database?.close().catch(() => {});
    throw error;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    publicUrl: URL;
  }
}
