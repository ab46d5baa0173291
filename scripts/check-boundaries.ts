/**
 * `node scripts/check-boundaries.ts [src-folder]` (part of `npm run lint`): the modular-monolith rule
 * from docs/ARCHITECTURE.md, checked by resolving every import rather than by matching its spelling.
 *
 *   - `platform/` never imports from `modules/`;
 *   - a module imports another module only through that module's `index.ts`.
 *
 * Every `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')` in every
 * .ts file under the folder is read (comments, template literals and regular expressions are skipped,
 * so an import written inside a string does not count). Each violation is printed as
 * `file:line: message`; the exit code is 1 when there is any. No dependencies, so it runs before
 * anything else is installed or built.
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
export function checkBoundaries(srcRoot: string): BoundaryViolation[] {
  const root = path.resolve(srcRoot);
  const violations: BoundaryViolation[] = [];
  for (const file of listSourceFiles(root)) {
    for (const reference of findImports(readFileSync(file, 'utf8'))) {
      const message = checkReference(root, file, reference.specifier);
      if (message) violations.push({ file, line: reference.line, specifier: reference.specifier, message });
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
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
      `\n${violations.length} import boundary violation${violations.length === 1 ? '' : 's'} (docs/ARCHITECTURE.md: modular monolith).`,
    );
    process.exit(1);
  }
  console.log(`Import boundaries: no violations in ${path.relative(process.cwd(), srcRoot) || '.'}.`);
}
