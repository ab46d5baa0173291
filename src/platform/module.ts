import type { FastifyRequest } from 'fastify';
import type { Migration } from 'kysely';
import type { AppContext } from './context.ts';
import { registerErrors, type ErrorCatalogue } from './errors.ts';
import type { Tx } from './db/database.ts';
import type { App } from './http/app.ts';
import type { ApiTag } from './http/openapi.ts';
import type { MessageKey } from './i18n/translate.ts';
import type { EventDeclaration } from './events.ts';
import type { JobHandler } from './jobs/queue.ts';
import type { Organisation } from './organisations/organisations.ts';
import type { PublishingAdapter } from './publishing.ts';
import type { Html } from './web/html.ts';

/** A link a module adds to the site's navigation or to the administration menu. */
export interface NavigationLink {
  href: string;
  label: MessageKey;
  /** Shown only to these roles; everyone when absent. */
  roles?: readonly string[];
}

/** A block a module contributes to the home page, rendered in the order of `order`. */
export interface HomeSection {
  order: number;
  render(request: FastifyRequest, ctx: AppContext): Promise<Html | null>;
}

/** A thing a page is about, named by its module's type and its id, e.g. `{ type: 'report', id: 42 }`. */
export interface SubjectRef {
  type: string;
  id: number;
}

/**
 * A block a module adds to another module's page about a subject (participation adds the comment
 * thread under a report or a budget project), so that the page's module need not import it. Pages
 * call `renderSubjectSections` (platform/web/subject-sections.ts); a section returns null for the
 * subject types it does not know.
 */
export interface SubjectSection {
  order: number;
  render(request: FastifyRequest, ctx: AppContext, subject: SubjectRef): Promise<Html | null>;
}

/** How a module takes part in a resident's data export and account deletion (GDPR). */
export interface PersonalDataProvider {
  /** What this module holds about the user, as plain JSON. */
  export(tx: Tx, userId: number): Promise<Record<string, unknown>>;
  /** Deletes or anonymises what this module holds. `removeContent` asks to delete what they wrote too. */
  erase(tx: Tx, userId: number, options: { removeContent: boolean }): Promise<void>;
}

/**
 * Something a module lets residents discuss under its page (a report, a budget project): where it is
 * shown and who may take part. The module that keeps discussions (participation) finds subjects through
 * the registry, so it needs no import of the modules whose things are discussed.
 */
export interface DiscussedSubject {
  href: string;
  /** Who may take part: the rules of a participatory process, or a verification level and age range. */
  rules:
    { processId: number } | { level: 'email' | 'verified'; minAge?: number | undefined; maxAge?: number | undefined };
}

export interface DiscussedSubjectProvider {
  type: string;
  /** The error code for an id that does not exist, is hidden or withdrawn. */
  notFound: string;
  find(ctx: AppContext, organisationId: number, id: number): Promise<DiscussedSubject | undefined>;
}

/**
 * A banner a module shows at the top of every page of the site (a crisis alert pinned until a time);
 * null when there is nothing to show. Loaded once per page request, so keep it cheap (cache).
 */
export interface SiteBanner {
  render(request: FastifyRequest, ctx: AppContext): Promise<Html | null>;
}

/**
 * A step of a new city's first-run checklist (/admin/first-steps): what to set up, where, and whether the city's
 * data shows it done. Each module declares its own steps and answers `done` from its own tables, so the checklist
 * page imports none of them.
 */
export interface FirstStep {
  /** A stable name (`districts`), also the element id on the page. */
  key: string;
  order: number;
  label: MessageKey;
  /** What "done" means and how to do it, one or two sentences. */
  hint: MessageKey;
  /** The page where it is done. */
  href: string;
  done(ctx: AppContext, organisationId: number): Promise<boolean>;
}

/** Sample content a module adds to a new demo city, after the modules it depends on. */
export interface DemoSeeder {
  order: number;
  seed(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void>;
}

export interface DemoPeople {
  admin: number;
  staff: Record<string, number>;
  moderator: number;
  residents: number[];
  departments: Record<string, number>;
}

/**
 * A module declares everything it brings in one manifest; `main.ts` registers the list.
 * The platform reads manifests and never imports a module.
 */
export interface ModuleManifest {
  name: string;
  /** The module's interface strings: a folder of i18next JSON v4 files, `<language>.json` (platform/i18n/catalogues.ts). */
  locales?: URL;
  /**
   * The module's error codes (its `<module>.errors.ts` catalogues). The platform registers them when it
   * builds the registry; a code declared twice stops the start naming both declarations.
   */
  errors?: readonly ErrorCatalogue[];
  migrations?: Record<string, Migration>;
  /** Adds the module's routes and pages. */
  routes?(app: App, ctx: AppContext): void | Promise<void>;
  /** Background jobs by kind; `everyMs` makes one recur (the platform queues its first run). */
  jobs?(ctx: AppContext): Record<string, JobHandler | { handler: JobHandler; everyMs: number }>;
  navigation?: NavigationLink[];
  adminNavigation?: NavigationLink[];
  /** Links in every page's footer (the privacy notice, the code of conduct). */
  footerNavigation?: NavigationLink[];
  homeSections?: HomeSection[];
  /** Blocks under other modules' subject pages (see SubjectSection). */
  subjectSections?: SubjectSection[];
  /** Things of this module residents may discuss (see DiscussedSubjectProvider). */
  discussedSubjects?: DiscussedSubjectProvider[];
  personalData?: PersonalDataProvider;
  demo?: DemoSeeder;
  /** What the module keeps under SECRET_KEY, and how `npm run admin -- rotate-secret-key` carries it to a new key. */
  secretKeyRotation?: SecretKeyRotation;
  /** Channels a post can go out on (platform/publishing.ts); the publishing module reads them from the registry. */
  publishingAdapters?: readonly PublishingAdapter[];
  /** Banners at the top of every page (see SiteBanner). */
  siteBanners?: readonly SiteBanner[];
  /** Sends answers written in the inbox on a channel kind this module serves (see ChannelReplySender). */
  channelReplySenders?: readonly ChannelReplySender[];
  /** The tags of the module's API operations with what they are about, shown in the OpenAPI document (docs/API.md). */
  apiTags?: readonly ApiTag[];
  /** The events this module records (platform/events.ts); readers such as webhooks find them in the registry. */
  events?: readonly EventDeclaration[];
  /** The module's steps in a new city's first-run checklist (see FirstStep). */
  firstSteps?: readonly FirstStep[];
}

/**
 * How an answer written in the inbox goes out on a channel that another module serves (the fediverse
 * module's actors): the inbox's adapter of that kind finds the sender here by kind, so the inbox never
 * imports the module, and the module reaches the inbox only through its index.ts. Throwing an error with
 * `retryable: true` asks the inbox to try again later; any other error marks the answer failed.
 */
export interface ChannelReplySender {
  kind: string;
  send(
    ctx: AppContext,
    reply: {
      organisationId: number;
      text: string;
      /** The conversation's key on the channel, as the module ingested it. */
      threadKey: string;
      /** The external id of the latest incoming message, which the answer replies to. */
      inReplyTo: string | null;
      /** The author's external id on the channel. */
      to: string;
    },
    signal: AbortSignal,
  ): Promise<{ externalId: string; url?: string | undefined }>;
}

/**
 * A module's part of changing SECRET_KEY, run in the rotation's one transaction: re-seal what can be
 * re-sealed under `keys.next`. What cannot (a keyed hash of values not stored) is answered as `blocked`,
 * which stops the whole rotation unless the operator allows it to be removed (`dropUnrecoverable`, then
 * the module removes it and says what to do again). `done` lines are printed for the operator.
 */
export interface SecretKeyRotation {
  rotate(
    tx: Tx,
    keys: { old: string; next: string },
    options: { dropUnrecoverable: boolean },
  ): Promise<{ done: string[]; blocked?: string }>;
}

/** The manifests' contributions, gathered for the platform's shared pages. */
export interface Registry {
  modules: readonly ModuleManifest[];
  navigation: NavigationLink[];
  adminNavigation: NavigationLink[];
  footerNavigation: NavigationLink[];
  homeSections: HomeSection[];
  subjectSections: SubjectSection[];
  discussedSubjects: DiscussedSubjectProvider[];
  personalData: Array<{ module: string; provider: PersonalDataProvider }>;
  publishingAdapters: PublishingAdapter[];
  siteBanners: SiteBanner[];
  channelReplySenders: ChannelReplySender[];
  apiTags: ApiTag[];
  events: EventDeclaration[];
  firstSteps: FirstStep[];
}

/** Gathers the manifests' contributions and registers every module's error codes. */
export function buildRegistry(modules: readonly ModuleManifest[]): Registry {
  registerErrors(
    modules.flatMap((module) => (module.errors ?? []).map((errors) => ({ declaredBy: module.name, errors }))),
  );
  return {
    modules,
    navigation: modules.flatMap((m) => m.navigation ?? []),
    adminNavigation: modules.flatMap((m) => m.adminNavigation ?? []),
    footerNavigation: modules.flatMap((m) => m.footerNavigation ?? []),
    homeSections: modules.flatMap((m) => m.homeSections ?? []).sort((a, b) => a.order - b.order),
    subjectSections: modules.flatMap((m) => m.subjectSections ?? []).sort((a, b) => a.order - b.order),
    discussedSubjects: modules.flatMap((m) => m.discussedSubjects ?? []),
    personalData: modules.flatMap((m) => (m.personalData ? [{ module: m.name, provider: m.personalData }] : [])),
    publishingAdapters: modules.flatMap((m) => m.publishingAdapters ?? []),
    siteBanners: modules.flatMap((m) => m.siteBanners ?? []),
    channelReplySenders: modules.flatMap((m) => m.channelReplySenders ?? []),
    apiTags: modules.flatMap((m) => m.apiTags ?? []),
    events: gatherEvents(modules),
    firstSteps: modules.flatMap((m) => m.firstSteps ?? []).sort((a, b) => a.order - b.order),
  };
}

/** Every module's event types; a type declared twice stops the start. */
function gatherEvents(modules: readonly ModuleManifest[]): EventDeclaration[] {
  const seen = new Map<string, string>();
  for (const module of modules)
    for (const event of module.events ?? []) {
      const first = seen.get(event.type);
      if (first) throw new Error(`Event type ${event.type} is declared by both ${first} and ${module.name}`);
      seen.set(event.type, module.name);
    }
  return modules.flatMap((m) => m.events ?? []);
}

/** All migrations of all modules, keyed by their timestamped names. */
export function collectMigrations(
  platform: Record<string, Migration>,
  modules: readonly ModuleManifest[],
): Record<string, Migration> {
  const all: Record<string, Migration> = { ...platform };
  for (const module of modules) {
    for (const [name, migration] of Object.entries(module.migrations ?? {})) {
      if (all[name]) throw new Error(`Migration ${name} is declared twice`);
      all[name] = migration;
    }
  }
  return all;
}
