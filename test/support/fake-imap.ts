import { createServer, type Server, type Socket } from 'node:net';

/**
 * A small IMAP4rev1 server (RFC 3501) on 127.0.0.1, plain TCP, for tests of the e-mail channel's
 * mailbox polling: one user, one INBOX, messages served from .eml sources. It speaks what imapflow
 * sends — CAPABILITY, ID, NAMESPACE, LOGIN, LIST, SELECT/EXAMINE, (UID) FETCH and SEARCH, NOOP, CLOSE,
 * LOGOUT — with literals both ways, and answers anything else with BAD, as a strict server would.
 */

interface StoredMessage {
  uid: number;
  source: Buffer;
  flags: Set<string>;
  internalDate: Date;
}

type Token = string | Token[];

const CAPABILITIES = 'IMAP4rev1 ID NAMESPACE UIDPLUS LITERAL+';

/** Headers of a mail, unfolded, names lower-cased; the first of each name. */
function headersOf(source: Buffer): Map<string, string> {
  const text = source.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** An IMAP string: NIL, a quoted string, or a literal when it holds line breaks or 8-bit bytes. */
function nstring(value: string | undefined): string {
  if (value === undefined) return 'NIL';
  if (/[\r\n\x80-\uffff]/.test(value)) return `{${Buffer.byteLength(value, 'latin1')}}\r\n${value}`;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An address list of an ENVELOPE, e.g. `(("Ana" NIL "ana" "example.ro"))`, from a header value. */
function addressList(value: string | undefined): string {
  if (!value) return 'NIL';
  const entries = value.match(/(?:"[^"]*"|[^,])+/g) ?? [];
  const parts = entries.map((entry) => {
    const angle = /^(.*)<([^>]*)>\s*$/.exec(entry.trim());
    const name = angle ? (angle[1] ?? '').trim().replace(/^"|"$/g, '') : '';
    const address = (angle ? (angle[2] ?? '') : entry).trim();
    const at = address.lastIndexOf('@');
    return `(${nstring(name || undefined)} NIL ${nstring(at < 0 ? address : address.slice(0, at))} ${nstring(at < 0 ? undefined : address.slice(at + 1))})`;
  });
  return parts.length > 0 ? `(${parts.join('')})` : 'NIL';
}

function envelope(source: Buffer): string {
  const h = headersOf(source);
  const from = addressList(h.get('from'));
  return `(${[nstring(h.get('date')), nstring(h.get('subject')), from, h.has('sender') ? addressList(h.get('sender')) : from, h.has('reply-to') ? addressList(h.get('reply-to')) : from, addressList(h.get('to')), addressList(h.get('cc')), addressList(h.get('bcc')), nstring(h.get('in-reply-to')), nstring(h.get('message-id'))].join(' ')})`;
}

function internalDate(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `"${pad(date.getUTCDate())}-${months[date.getUTCMonth()] ?? 'Jan'}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000"`;
}

/** Splits command arguments: atoms (brackets kept whole), quoted strings, literals (`\0n\0`), lists. */
function tokenize(input: string, literals: string[]): Token[] {
  let at = 0;
  const list = (): Token[] => {
    const tokens: Token[] = [];
    while (at < input.length) {
      const c = input[at];
      if (c === ' ') at += 1;
      else if (c === ')') {
        at += 1;
        return tokens;
      } else if (c === '(') {
        at += 1;
        tokens.push(list());
      } else if (c === '"') {
        let value = '';
        at += 1;
        while (at < input.length && input[at] !== '"') {
          if (input[at] === '\\') at += 1;
          value += input[at] ?? '';
          at += 1;
        }
        at += 1;
        tokens.push(value);
      } else if (c === '\0') {
        const end = input.indexOf('\0', at + 1);
        tokens.push(literals[Number(input.slice(at + 1, end))] ?? '');
        at = end + 1;
      } else {
        let depth = 0;
        const start = at;
        while (at < input.length && (depth > 0 || (input[at] !== ' ' && input[at] !== '(' && input[at] !== ')'))) {
          if (input[at] === '[') depth += 1;
          if (input[at] === ']') depth -= 1;
          at += 1;
        }
        tokens.push(input.slice(start, at));
      }
    }
    return tokens;
  };
  return list();
}

/** Whether `n` is in an IMAP sequence set such as `1:*`, `3,5:7`; `*` is `max`, `n:*` also covers max when n > max. */
function inSet(set: string, n: number, max: number): boolean {
  return set.split(',').some((part) => {
    const [a = '', b = a] = part.split(':');
    const value = (s: string) => (s === '*' ? max : Number(s));
    const low = Math.min(value(a), value(b));
    const high = Math.max(value(a), value(b));
    return n >= low && n <= high;
  });
}

/** The fake server. `messages` and `uidValidity` may be changed by the test between polls. */
export class FakeImapServer {
  readonly server: Server;
  uidValidity = 1_700_000_001;
  /** Every command line received (LOGIN's password replaced), for assertions on what the client did. */
  readonly log: string[] = [];
  /** When set, a command matching it makes the server reset the connection (a network failure). */
  dropOn: RegExp | undefined;
  /** When set, a command matching it is never answered (a server that hangs). */
  stallOn: RegExp | undefined;
  private messages: StoredMessage[] = [];
  private nextUid = 1;
  private readonly sockets = new Set<Socket>();

  readonly user: string;
  readonly password: string;

  constructor(user: string, password: string) {
    this.user = user;
    this.password = password;
    this.server = createServer((socket) => this.session(socket));
  }

  /** Starts a server on a free port of 127.0.0.1 holding the given mails. */
  static async start(options: { user: string; password: string; messages?: Buffer[] }): Promise<FakeImapServer> {
    const fake = new FakeImapServer(options.user, options.password);
    for (const source of options.messages ?? []) fake.append(source);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Delivers a mail to INBOX; returns its UID. */
  append(source: Buffer, flags: string[] = []): number {
    const uid = this.nextUid++;
    // servers keep mail with CRLF line ends, as it travelled
    const crlf = Buffer.from(source.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    this.messages.push({ uid, source: crlf, flags: new Set(flags), internalDate: new Date() });
    return uid;
  }

  /** The mailbox was rebuilt (as after a server migration): new UIDVALIDITY, every mail numbered anew. */
  renumber(uidValidity: number): void {
    this.uidValidity = uidValidity;
    this.nextUid = 1;
    for (const message of this.messages) message.uid = this.nextUid++;
  }

  /** Flags of every mail, by UID (a read-only client must leave \Seen unset). */
  flags(): Map<number, string[]> {
    return new Map(this.messages.map((message) => [message.uid, [...message.flags]]));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const state = { authenticated: false, selected: false, readOnly: true };
    let buffer = Buffer.alloc(0);
    let line = '';
    const literals: string[] = [];
    let literalBytes = -1;
    const send = (text: string | Buffer) => socket.write(text);
    send(`* OK [CAPABILITY ${CAPABILITIES}] Fake IMAP server ready\r\n`);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (literalBytes >= 0) {
          if (buffer.length < literalBytes) return;
          literals.push(buffer.subarray(0, literalBytes).toString('latin1'));
          line += `\0${literals.length - 1}\0`;
          buffer = buffer.subarray(literalBytes);
          literalBytes = -1;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const part = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        const literal = /\{(\d+)(\+?)\}$/.exec(part);
        if (literal) {
          line += part.slice(0, literal.index);
          literalBytes = Number(literal[1]);
          if (!literal[2]) send('+ Ready for literal data\r\n');
          continue;
        }
        const command = line + part;
        line = '';
        this.command(command, literals.splice(0), state, send, socket);
      }
    });
  }

  private command(
    text: string,
    literals: string[],
    state: { authenticated: boolean; selected: boolean; readOnly: boolean },
    send: (text: string | Buffer) => void,
    socket: Socket,
  ): void {
    const [tag = '*', name = '', ...rest] = tokenize(text, literals);
    const args = rest;
    if (typeof tag !== 'string' || typeof name !== 'string') {
      send('* BAD Malformed command\r\n');
      return;
    }
    let verb = name.toUpperCase();
    let byUid = false;
    if (verb === 'UID' && typeof args[0] === 'string') {
      byUid = true;
      verb = String(args.shift()).toUpperCase();
    }
    if (this.dropOn?.test(text)) return void socket.resetAndDestroy();
    if (this.stallOn?.test(text)) return;
    this.log.push(verb === 'LOGIN' ? `${tag} LOGIN ${String(args[0])} ***` : text.replace(/\0\d+\0/g, '{literal}'));
    const ok = (message = `${verb} completed`) => send(`${tag} OK ${message}\r\n`);
    const needsAuth = !['CAPABILITY', 'NOOP', 'LOGOUT', 'LOGIN', 'ID'].includes(verb);
    if (needsAuth && !state.authenticated) {
      send(`${tag} NO Log in first\r\n`);
      return;
    }
    if (['FETCH', 'SEARCH', 'CLOSE'].includes(verb) && !state.selected) {
      send(`${tag} BAD No mailbox selected\r\n`);
      return;
    }
    switch (verb) {
      case 'CAPABILITY':
        send(`* CAPABILITY ${CAPABILITIES}\r\n`);
        ok();
        return;
      case 'NOOP':
        ok();
        return;
      case 'ID':
        send('* ID ("name" "fake-imap" "version" "1")\r\n');
        ok();
        return;
      case 'LOGIN':
        if (state.authenticated) {
          send(`${tag} BAD Already logged in\r\n`);
          return;
        }
        if (args[0] !== this.user || args[1] !== this.password) {
          send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n`);
          return;
        }
        state.authenticated = true;
        ok('[CAPABILITY ' + CAPABILITIES + '] Logged in');
        return;
      case 'NAMESPACE':
        send('* NAMESPACE (("" "/")) NIL NIL\r\n');
        ok();
        return;
      case 'LIST':
      case 'LSUB':
        if (args[1] === '' && verb === 'LIST') send('* LIST (\\Noselect) "/" ""\r\n');
        else if (typeof args[1] === 'string' && /^(inbox|\*|%)$/i.test(args[1]))
          send(`* ${verb} (\\HasNoChildren) "/" INBOX\r\n`);
        ok();
        return;
      case 'SELECT':
      case 'EXAMINE': {
        state.selected = false;
        if (typeof args[0] !== 'string' || args[0].toUpperCase() !== 'INBOX') {
          send(`${tag} NO [NONEXISTENT] No such mailbox\r\n`);
          return;
        }
        state.selected = true;
        state.readOnly = verb === 'EXAMINE';
        send('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n');
        send(
          `* OK [PERMANENTFLAGS (${state.readOnly ? '' : '\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*'})] Flags permitted\r\n`,
        );
        send(`* ${this.messages.length} EXISTS\r\n* 0 RECENT\r\n`);
        send(
          `* OK [UIDVALIDITY ${this.uidValidity}] UIDs valid\r\n* OK [UIDNEXT ${this.nextUid}] Predicted next UID\r\n`,
        );
        ok(`[${state.readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${verb} completed`);
        return;
      }
      case 'CLOSE':
        state.selected = false;
        ok();
        return;
      case 'SEARCH':
        this.search(tag, args, byUid, send);
        return;
      case 'FETCH':
        this.fetch(tag, args, byUid, state.readOnly, send);
        return;
      case 'LOGOUT':
        send('* BYE Logging out\r\n');
        ok();
        socket.end();
        return;
      default:
        send(`${tag} BAD Unknown command ${verb}\r\n`);
    }
  }

  /** SEARCH ALL | UID set | a sequence set; anything else is refused. */
  private search(tag: string, args: Token[], byUid: boolean, send: (text: string) => void): void {
    const maxUid = this.messages.at(-1)?.uid ?? 0;
    const [key = 'ALL', value] = args.map((arg) => (typeof arg === 'string' ? arg : ''));
    let found: StoredMessage[];
    if (key.toUpperCase() === 'ALL') found = this.messages;
    else if (key.toUpperCase() === 'UID' && value) found = this.messages.filter((m) => inSet(value, m.uid, maxUid));
    else if (/^[\d:*,]+$/.test(key))
      found = this.messages.filter((_, index) => inSet(key, index + 1, this.messages.length));
    else {
      send(`${tag} BAD Unsupported search\r\n`);
      return;
    }
    send(`* SEARCH${found.map((m) => ` ${byUid ? m.uid : this.messages.indexOf(m) + 1}`).join('')}\r\n`);
    send(`${tag} OK SEARCH completed\r\n`);
  }

  /** (UID) FETCH set items: UID, FLAGS, RFC822.SIZE, INTERNALDATE, ENVELOPE, BODY[]/BODY.PEEK[] with HEADER/TEXT and partials. */
  private fetch(
    tag: string,
    args: Token[],
    byUid: boolean,
    readOnly: boolean,
    send: (text: string | Buffer) => void,
  ): void {
    const [set, itemArg] = args;
    if (typeof set !== 'string' || itemArg === undefined) {
      send(`${tag} BAD Missing arguments\r\n`);
      return;
    }
    let items = (Array.isArray(itemArg) ? itemArg : [itemArg]).map((item) =>
      typeof item === 'string' ? item.toUpperCase() : '',
    );
    items = items.flatMap(
      (item) =>
        ({ ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'], FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'] })[
          item
        ] ?? [item],
    );
    if (byUid && !items.includes('UID')) items.unshift('UID');
    const known =
      /^(UID|FLAGS|RFC822\.SIZE|INTERNALDATE|ENVELOPE|RFC822|RFC822\.HEADER|BODY(\.PEEK)?\[(HEADER|TEXT)?\](<\d+\.\d+>)?)$/;
    if (items.some((item) => !known.test(item))) {
      send(`${tag} BAD Unsupported fetch item\r\n`);
      return;
    }
    const maxUid = this.messages.at(-1)?.uid ?? 0;
    this.messages.forEach((message, index) => {
      if (!(byUid ? inSet(set, message.uid, maxUid) : inSet(set, index + 1, this.messages.length))) return;
      const parts: Array<string | Buffer> = [];
      const crlf = message.source.indexOf('\r\n\r\n');
      const lf = message.source.indexOf('\n\n');
      const headerEnd = crlf >= 0 ? crlf + 4 : lf >= 0 ? lf + 2 : message.source.length;
      let seen = false;
      for (const item of items) {
        if (item === 'UID') parts.push(`UID ${message.uid}`);
        else if (item === 'RFC822.SIZE') parts.push(`RFC822.SIZE ${message.source.length}`);
        else if (item === 'INTERNALDATE') parts.push(`INTERNALDATE ${internalDate(message.internalDate)}`);
        else if (item === 'ENVELOPE') parts.push(`ENVELOPE ${envelope(message.source)}`);
        else if (item !== 'FLAGS') {
          const match = /^(RFC822(?:\.HEADER)?|BODY(\.PEEK)?\[(HEADER|TEXT)?\])(?:<(\d+)\.(\d+)>)?$/.exec(item);
          const section = match?.[3] ?? (item === 'RFC822.HEADER' ? 'HEADER' : '');
          let bytes =
            section === 'HEADER'
              ? message.source.subarray(0, headerEnd)
              : section === 'TEXT'
                ? message.source.subarray(headerEnd)
                : message.source;
          const start = match?.[4] === undefined ? undefined : Number(match[4]);
          if (start !== undefined) bytes = bytes.subarray(start, start + Number(match?.[5]));
          if (!match?.[2] && item !== 'RFC822.HEADER') seen = true;
          const label = item.startsWith('RFC822') ? item : `BODY[${section}]${start === undefined ? '' : `<${start}>`}`;
          parts.push(`${label} {${bytes.length}}\r\n`, bytes);
        }
      }
      if (seen && !readOnly) message.flags.add('\\Seen');
      if (items.includes('FLAGS') || (seen && !readOnly)) parts.push(`FLAGS (${[...message.flags].join(' ')})`);
      const line: Array<string | Buffer> = [`* ${index + 1} FETCH (`];
      parts.forEach((part, at) => {
        const previous = parts[at - 1];
        if (at > 0 && typeof part === 'string' && !(typeof previous === 'string' && previous.endsWith('\r\n')))
          line.push(' ');
        line.push(part);
      });
      line.push(')\r\n');
      send(Buffer.concat(line.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece))));
    });
    send(`${tag} OK FETCH completed\r\n`);
  }
}
