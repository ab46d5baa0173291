import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * Tables whose writes change nothing a public page shows: book-keeping done while serving requests (rate
 * limits, sessions, quotas), the job queue, the mail outbox, the audit log and the events outbox.
 * Anything else a statement writes tells the listeners (the page cache drops what it holds).
 */
const BOOKKEEPING = new Set([
  'core_rate_limit',
  'core_session',
  'core_api_usage',
  'core_api_key',
  'core_sign_in_network',
  'core_user_token',
  'core_job',
  'core_mail',
  'core_audit',
  'core_audit_log',
  'core_event',
]);

/** `insert into t`, `update t [as] [alias] set`, `delete from t`, `merge into t` (not `for update of`, `for update skip locked`). */
const RAW_WRITE =
  /\b(?:insert\s+into|delete\s+from|merge\s+into)\s+"?([a-z_]\w*)"?|\bupdate\s+"?([a-z_]\w*)"?(?:\s+(?:as\s+)?[a-z_]\w*)?\s+set\b/gi;

/** Book-keeping by name: a module's message queue (`fediverse_queue`) changes nothing a page shows. */
const bookkeeping = (table: string): boolean => BOOKKEEPING.has(table) || table.endsWith('_queue');

/** The name of a table node, an aliased one, or undefined. */
function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  const value = node as unknown as {
    kind: string;
    table?: { identifier?: { name?: string } };
    node?: OperationNode;
  };
  if (value.kind === 'TableNode') return value.table?.identifier?.name;
  if (value.kind === 'AliasNode') return tableName(value.node);
  return undefined;
}

/** The tables a statement writes, or null when it writes nothing. */
function writtenTables(node: RootOperationNode): string[] | null {
  const value = node as unknown as Record<string, unknown> & { kind: string };
  switch (value.kind) {
    case 'InsertQueryNode':
      return [tableName(value.into as OperationNode) ?? '?'];
    case 'UpdateQueryNode':
      return [tableName(value.table as OperationNode) ?? '?'];
    case 'DeleteQueryNode': {
      const froms = (value.from as { froms?: OperationNode[] } | undefined)?.froms ?? [];
      return froms.map((from) => tableName(from) ?? '?');
    }
    case 'MergeQueryNode':
      return [tableName(value.into as OperationNode) ?? '?'];
    case 'RawNode': {
      const text = ((value.sqlFragments as string[] | undefined) ?? []).join(' ');
      const tables = [...text.matchAll(RAW_WRITE)].map((match) => (match[1] ?? match[2] ?? '?').toLowerCase());
      return tables.length ? tables : null;
    }
    default:
      return null;
  }
}

/**
 * A Kysely plugin that tells its listeners when a statement that writes a table other than book-keeping
 * ones has changed rows (told after the statement ran: outside a transaction the change is then committed).
 * Statements sent as raw SQL are recognised by their text; a write hidden inside a function call is not seen.
 */
export class WriteWatch implements KyselyPlugin {
  readonly #listeners = new Set<(tables: readonly string[]) => void>();
  readonly #pending = new WeakMap<object, string[]>();

  onWrite(listener: (tables: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#listeners.size > 0) {
      const tables = writtenTables(args.node)?.filter((table) => !bookkeeping(table));
      if (tables?.length) this.#pending.set(args.queryId, tables);
    }
    return args.node;
  }

  /** After the statement ran: told only when it changed rows (a queue's poll that took nothing is quiet). */
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const tables = this.#pending.get(args.queryId);
    if (tables) {
      this.#pending.delete(args.queryId);
      const affected = args.result.numAffectedRows;
      if (affected === undefined || affected > 0n) this.#tell(tables);
    }
    return args.result;
  }

  #tell(tables: readonly string[]): void {
    for (const listener of this.#listeners) listener(tables);
  }
}
