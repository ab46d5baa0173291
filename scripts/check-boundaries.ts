/**
 * `node scripts/check-boundaries.ts [src-folder]` (part of `npm run lint`): the modular-monolith rules
 * and the module shape of docs/ARCHITECTURE.md ("Boundary rules").
 *
 * Imports, checked by resolving every import rather than by matching its spelling:
 *   - `platform/` never imports from `modules/`;
 *   - a module imports another module only through that module's `index.ts`.
 * The module shape, checked in every file under `modules/` (comments and the text of strings and
 * templates are ignored, so a word inside a string does not count):
 *   - SQL (Kysely query building — `selectFrom`, `insertInto`, `updateTable`, `deleteFrom`, … — and
 *     raw `sql` templates) only in `*.repository.ts` files, `migrations/` and demo seeders (`*.demo.ts`,
 *     which write back-dated sample rows no production code may write);
 *   - no HTML in use cases (`*.use-cases.ts`, `use-cases/`): no import of platform/web/html.ts or
 *     layout.ts, no html`` templates;
 *   - no interface text in use cases: no `MessageKey`, `Translate` or `translator` (the page picks the
 *     text from the outcome's code; mails are composed by a `<module>.mails.ts` presenter);
 *   - no import circle among the files under a module's `pages/`.
 *
 * Every `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')` in every
 * .ts file under the folder is read. Each violation is printed as `file:line: message`; the exit code
 * is 1 when there is any. No dependencies, so it runs before anything else is installed or built.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface BoundaryViolation {
  /** The importing file, absolute. */
  file: string;
  line: number;
  specifier: string;
  message: string;
}

export interface ImportReference {
  specifier: string;
  line: number;
}

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts'];

/**
 * Checks every TypeScript file under `srcRoot` (the folder holding `platform/` and `modules/`) and
 * returns the violations, sorted by file and line. Exported so that tests can run it on small trees.
 */
export function checkBoundaries(
  srcRoot: string,
  allowlist: Readonly<Record<string, readonly ShapeRule[]>> = SHAPE_ALLOWLIST,
): BoundaryViolation[] {
  const root = path.resolve(srcRoot);
  const violations: BoundaryViolation[] = [];
  const pageImports = new Map<string, ImportReference[]>();
  const allowed = new Map(Object.entries(allowlist).map(([file, rules]) => [path.join(root, file), new Set(rules)]));
  for (const file of listSourceFiles(root)) {
    const source = readFileSync(file, 'utf8');
    const imports = findImports(source);
    for (const reference of imports) {
      const message = checkReference(root, file, reference.specifier);
      if (message) violations.push({ file, line: reference.line, specifier: reference.specifier, message });
    }
    const area = areaOf(root, file);
    if (area.kind !== 'module') continue;
    const found = checkShape(root, file, source, imports);
    const exempt = allowed.get(file);
    violations.push(...found.filter((violation) => !exempt?.has(violation.rule)));
    for (const rule of exempt ?? []) {
      if (!found.some((violation) => violation.rule === rule)) {
        violations.push({
          file,
          line: 1,
          specifier: '',
          message: `allowlisted for '${rule}' in scripts/check-boundaries.ts but passes it now: remove it from SHAPE_ALLOWLIST`,
        });
      }
    }
    if (isPageFile(root, file)) pageImports.set(file, imports);
  }
  violations.push(...findPageCycles(root, pageImports));
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The shape rules a file may be exempted from while its module is converted. */
export type ShapeRule = 'sql' | 'html-in-use-case' | 'text-in-use-case';

/**
 * Files exempted from a shape rule, by path under src/, with the rules they may break. Empty since
 * every module was converted (issue 12); an entry that passes its rule is reported so that it is
 * removed, and a file can never be added here silently (review the diff).
 */
export const SHAPE_ALLOWLIST: Readonly<Record<string, readonly ShapeRule[]>> = {};

const SQL_PATTERNS: Array<[RegExp, string]> = [
  [/\.\s*(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)\s*\(/g, 'Kysely query'],
  [/\.\s*(executeQuery|getExecutor)\s*\(/g, 'raw query'],
  [/(?<![\w$.])sql\s*(?:<[^`;]*?>)?\s*`/g, 'sql`` template'],
  [/(?<![\w$.])sql\s*\.\s*(raw|ref|id|join|lit|table|val|literal)\s*\(/g, 'sql helper'],
];

interface ShapeViolation extends BoundaryViolation {
  rule: ShapeRule;
}

/** The module-shape violations of one file under modules/ (see the header of this file). */
function checkShape(root: string, file: string, source: string, imports: ImportReference[]): ShapeViolation[] {
  const relative = path.relative(root, file).split(path.sep);
  const name = relative[relative.length - 1] ?? '';
  const code = maskSource(source);
  const violations: ShapeViolation[] = [];
  const seen = new Set<string>();
  const report = (rule: ShapeRule, index: number, message: string): void => {
    const line = lineAt(code, index);
    if (seen.has(`${rule}:${line}`)) return;
    seen.add(`${rule}:${line}`);
    violations.push({ file, line, specifier: '', message, rule });
  };
  const sqlAllowed = name.endsWith('.repository.ts') || relative.includes('migrations') || name.endsWith('.demo.ts');
  if (!sqlAllowed) {
    for (const [pattern, what] of SQL_PATTERNS) {
      for (const match of code.matchAll(pattern)) {
        report(
          'sql',
          match.index,
          `SQL outside a repository (${what}${match[1] ? ` ${match[1]}` : ''}): move it into a *.repository.ts function named by what it fetches or stores`,
        );
      }
    }
  }
  const isUseCase = name.endsWith('.use-cases.ts') || relative.includes('use-cases');
  if (!isUseCase) return violations;
  for (const reference of imports) {
    if (!reference.specifier.startsWith('.')) continue;
    const target = path
      .relative(root, path.resolve(path.dirname(file), reference.specifier))
      .split(path.sep)
      .join('/');
    if (target === 'platform/web/html.ts' || target === 'platform/web/layout.ts') {
      violations.push({
        file,
        line: reference.line,
        specifier: reference.specifier,
        rule: 'html-in-use-case',
        message: `a use case imports ${target}: HTML is rendered by the page (pages/*.pages.ts or a *.view.ts), not the use case`,
      });
    }
  }
  for (const match of code.matchAll(/(?<![\w$.])html\s*`/g)) {
    report(
      'html-in-use-case',
      match.index,
      'an html`` template in a use case: HTML is rendered by the page, not the use case',
    );
  }
  for (const match of code.matchAll(/(?<![\w$])(MessageKey|Translate|translator)(?![\w$])/g)) {
    report(
      'text-in-use-case',
      match.index,
      `a use case uses ${match[1]}: return a code and let the page pick the text (mails: a <module>.mails.ts presenter)`,
    );
  }
  return violations;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function isPageFile(root: string, file: string): boolean {
  const [top, , ...rest] = path.relative(root, file).split(path.sep);
  return top === 'modules' && rest.length > 1 && rest[0] === 'pages';
}

/**
 * Import circles among the files under each module's `pages/` (type-only imports count too: a circle
 * of types is still a circle of files to read). Each circle is reported once, at the import that
 * closes it in the first file of the circle.
 */
function findPageCycles(root: string, pageImports: Map<string, ImportReference[]>): BoundaryViolation[] {
  const edges = new Map<string, Array<{ target: string; line: number; specifier: string }>>();
  for (const [file, imports] of pageImports) {
    edges.set(
      file,
      imports
        .filter((reference) => reference.specifier.startsWith('.'))
        .map((reference) => ({ ...reference, target: path.resolve(path.dirname(file), reference.specifier) }))
        .filter((edge) => pageImports.has(edge.target)),
    );
  }
  const violations: BoundaryViolation[] = [];
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const edge of edges.get(file) ?? []) {
      const seen = state.get(edge.target);
      if (seen === 'open') {
        const cycle = stack.slice(stack.indexOf(edge.target));
        const key = [...cycle].sort().join('|');
        if (!reported.has(key)) {
          reported.add(key);
          const shown = [...cycle, edge.target].map((member) => path.relative(root, member).split(path.sep).join('/'));
          violations.push({
            file,
            line: edge.line,
            specifier: edge.specifier,
            message: `import circle among page files: ${shown.join(' → ')}; move what they share to pages/components/`,
          });
        }
      } else if (seen === undefined) visit(edge.target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return violations;
}

/** One violation as `file:line: message`, the file relative to `relativeTo` (the working folder). */
export function formatViolation(violation: BoundaryViolation, relativeTo = process.cwd()): string {
  return `${path.relative(relativeTo, violation.file)}:${violation.line}: ${violation.message}`;
}

type Area = { kind: 'platform' } | { kind: 'module'; name: string } | { kind: 'other' };

function areaOf(root: string, file: string): Area {
  const [top, name, ...rest] = path.relative(root, file).split(path.sep);
  if (top === 'platform') return { kind: 'platform' };
  if (top === 'modules' && name !== undefined && rest.length > 0) return { kind: 'module', name };
  return { kind: 'other' };
}

/** The message for an import that breaks the rule, or undefined when it is allowed. */
function checkReference(root: string, file: string, specifier: string): string | undefined {
  // Packages and node: built-ins are outside the rule; only paths can reach into src/.
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const target = path.resolve(path.dirname(file), specifier);
  const to = areaOf(root, target);
  if (to.kind !== 'module') return undefined;
  const from = areaOf(root, file);
  const shown = path.relative(root, target).split(path.sep).join('/');
  if (from.kind === 'platform') {
    return `platform/ must not import from modules/ ('${specifier}' is ${shown}); pass what platform code needs in from main.ts or the module's manifest`;
  }
  if (from.kind === 'module' && from.name !== to.name && target !== path.join(root, 'modules', to.name, 'index.ts')) {
    return `module '${from.name}' imports ${shown}; another module is imported only through its index.ts (modules/${to.name}/index.ts)`;
  }
  return undefined;
}

function listSourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...listSourceFiles(full));
    } else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

/**
 * The source with the text of comments, strings, templates and regular expressions replaced by
 * spaces (line breaks kept, so positions and line numbers stay those of the source). What is left is
 * code: quotes, backticks and the code inside `${ … }` substitutions.
 */
export function maskSource(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to && i < out.length; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  let index = 0;
  const templates: number[] = [];
  const lastSignificant = (): string => {
    const before = out
      .slice(Math.max(0, index - 64), index)
      .join('')
      .trimEnd();
    const word = /[A-Za-z_$][\w$]*$/.exec(before);
    return word ? word[0] : before.slice(-1);
  };
  const skipTemplateText = (): void => {
    const start = index;
    while (index < source.length) {
      const char = source[index];
      if (char === '\\') index += 2;
      else if (char === '`') {
        blank(start, index);
        index++;
        templates.pop();
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        blank(start, index);
        index += 2;
        templates[templates.length - 1] = 1;
        return;
      } else index++;
    }
    blank(start, index);
  };
  while (index < source.length) {
    const char = source[index] ?? '';
    const next = source[index + 1] ?? '';
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      blank(index, stop);
      index = stop;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(index, stop);
      index = stop;
    } else if (char === "'" || char === '"') {
      const start = ++index;
      while (index < source.length && source[index] !== char && source[index] !== '\n')
        index += source[index] === '\\' ? 2 : 1;
      blank(start, index);
      index++;
    } else if (char === '`') {
      index++;
      templates.push(0);
      skipTemplateText();
    } else if (templates.length > 0 && (char === '{' || char === '}')) {
      const depth = templates[templates.length - 1] ?? 0;
      index++;
      if (char === '{') templates[templates.length - 1] = depth + 1;
      else if (depth > 1) templates[templates.length - 1] = depth - 1;
      else skipTemplateText();
    } else if (char === '/') {
      const before = lastSignificant();
      index++;
      if (REGEX_AFTER_CHARACTER.has(before) || REGEX_AFTER_WORD.has(before)) {
        const start = index;
        let inClass = false;
        while (index < source.length && source[index] !== '\n') {
          const current = source[index];
          if (current === '\\') index += 2;
          else {
            index++;
            if (current === '[') inClass = true;
            else if (current === ']') inClass = false;
            else if (current === '/' && !inClass) break;
          }
        }
        blank(start, index - 1);
      }
    } else index++;
  }
  return out.join('');
}

// A `/` after one of these characters (or words) starts a regular expression, otherwise it divides.
const REGEX_AFTER_CHARACTER = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
]);
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof',
]);

/**
 * The module specifiers a source file refers to, with the line each one is on. A small lexer walks
 * the text so that quoted strings are seen as strings and comments, template literals and regular
 * expressions are skipped; a quoted string is a specifier when the code before it ends in `from`,
 * `import` or `import(`.
 */
export function findImports(source: string): ImportReference[] {
  const references: ImportReference[] = [];
  // The last stretch of text outside comments, strings and templates, to look back at; kept short so
  // that looking back costs the same at the end of a long file as at its start.
  let code = '';
  const emit = (text: string): void => {
    code += text;
    if (code.length > 512) code = code.slice(-256);
  };
  let line = 1;
  let index = 0;
  // Open template literals: for each, the `{` depth of its current `${ … }` substitution.
  const templates: number[] = [];

  const advance = (count: number): void => {
    for (let end = index + count; index < end && index < source.length; index++) if (source[index] === '\n') line++;
  };
  const lastSignificant = (): string => {
    const trimmed = code.trimEnd();
    const word = /[A-Za-z_$][\w$]*$/.exec(trimmed);
    return word ? word[0] : trimmed.slice(-1);
  };
  const skipTemplateText = (): void => {
    // Inside a template literal: skip text until the closing backtick or the next `${`.
    while (index < source.length) {
      const char = source[index];
      if (char === '\\') advance(2);
      else if (char === '`') {
        advance(1);
        templates.pop();
        emit(' ``');
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        advance(2);
        templates[templates.length - 1] = 1;
        emit(' (');
        return;
      } else advance(1);
    }
  };

  while (index < source.length) {
    const char = source[index] ?? '';
    const next = source[index + 1] ?? '';
    if (char === '/' && next === '/') {
      while (index < source.length && source[index] !== '\n') advance(1);
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      advance((end === -1 ? source.length : end + 2) - index);
      emit(' ');
    } else if (char === "'" || char === '"') {
      const start = index;
      const startLine = line;
      advance(1);
      while (index < source.length && source[index] !== char && source[index] !== '\n')
        advance(source[index] === '\\' ? 2 : 1);
      const value = source.slice(start + 1, index);
      advance(1);
      if (/(?:\bfrom|(?<![.\w$])import)\s*$|(?<![.\w$])import\s*\(\s*$/.test(code))
        references.push({ specifier: value, line: startLine });
      emit(' ""');
    } else if (char === '`') {
      advance(1);
      templates.push(0);
      skipTemplateText();
    } else if (templates.length > 0 && (char === '{' || char === '}')) {
      const depth = templates[templates.length - 1] ?? 0;
      advance(1);
      if (char === '{') {
        templates[templates.length - 1] = depth + 1;
        emit('{');
      } else if (depth > 1) {
        templates[templates.length - 1] = depth - 1;
        emit('}');
      } else {
        emit(') ');
        skipTemplateText();
      }
    } else if (char === '/') {
      const before = lastSignificant();
      if (REGEX_AFTER_CHARACTER.has(before) || REGEX_AFTER_WORD.has(before)) {
        advance(1);
        let inClass = false;
        while (index < source.length && source[index] !== '\n') {
          const current = source[index];
          if (current === '\\') advance(2);
          else {
            advance(1);
            if (current === '[') inClass = true;
            else if (current === ']') inClass = false;
            else if (current === '/' && !inClass) break;
          }
        }
        emit(' /re/');
      } else {
        advance(1);
        emit('/');
      }
    } else {
      emit(char);
      advance(1);
    }
  }
  return references;
}

if (import.meta.main) {
  const srcRoot = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'src'));
  const violations = checkBoundaries(srcRoot);
  for (const violation of violations) console.error(formatViolation(violation));
  if (violations.length > 0) {
    console.error(
      `\n${violations.length} boundary violation${violations.length === 1 ? '' : 's'} (docs/ARCHITECTURE.md: "Boundary rules").`,
    );
    process.exit(1);
  }
  console.log(`Boundaries and module shape: no violations in ${path.relative(process.cwd(), srcRoot) || '.'}.`);
}
