import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkBoundaries, findImports, formatViolation, maskSource } from '../../scripts/check-boundaries.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ic-boundaries-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let treeCount = 0;
/** Writes a small src/ tree (relative path → file text) into its own temp folder and returns the folder. */
function writeTree(files: Record<string, string>): string {
  const root = path.join(scratch, `tree-${++treeCount}`, 'src');
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** The violations of a tree as `path-inside-src:line`, the easiest form to compare. */
function violationsOf(root: string, allowlist: Parameters<typeof checkBoundaries>[1] = {}): string[] {
  return checkBoundaries(root, allowlist).map(
    (violation) => `${path.relative(root, violation.file).split(path.sep).join('/')}:${violation.line}`,
  );
}

const moduleFiles = {
  'modules/places/index.ts': "export { findDistricts } from './places.repository.ts';\n",
  'modules/places/places.repository.ts': 'export function findDistricts(): string[] { return []; }\n',
};

describe('platform never imports from modules', () => {
  test('reports a platform file that imports a module, even through its index.ts', () => {
    const root = writeTree({
      ...moduleFiles,
      'platform/http/app.ts':
        "import { readFileSync } from 'node:fs';\nimport { findDistricts } from '../../modules/places/index.ts';\n",
    });
    const violations = checkBoundaries(root);
    assert.deepEqual(violationsOf(root), ['platform/http/app.ts:2']);
    assert.match(violations[0]?.message ?? '', /platform\/ must not import from modules\//);
    assert.equal(violations[0]?.specifier, '../../modules/places/index.ts');
  });

  test('allows platform files to import each other and packages', () => {
    const root = writeTree({
      'platform/db/database.ts': "import { Kysely } from 'kysely';\nexport const db = Kysely;\n",
      'platform/http/app.ts': "import { db } from '../db/database.ts';\nimport type { Config } from '../config.ts';\n",
      'platform/config.ts': 'export type Config = { port: number };\n',
    });
    assert.deepEqual(violationsOf(root), []);
  });
});

describe('a module imports another module only through its index.ts', () => {
  test("reports an import of another module's inner file", () => {
    const root = writeTree({
      ...moduleFiles,
      'modules/reports/submit-report.ts': "import { findDistricts } from '../places/places.repository.ts';\n",
    });
    assert.deepEqual(violationsOf(root), ['modules/reports/submit-report.ts:1']);
    assert.match(checkBoundaries(root)[0]?.message ?? '', /only through its index\.ts \(modules\/places\/index\.ts\)/);
  });

  test("allows the other module's index.ts, the module's own files and the platform", () => {
    const root = writeTree({
      ...moduleFiles,
      'modules/reports/submit-report.ts': [
        "import { findDistricts } from '../places/index.ts';",
        "import { AppError } from '../../platform/errors.ts';",
        "import { schema } from './reports.schema.ts';",
        "import { render } from './pages/shared.ts';",
      ].join('\n'),
      'modules/reports/pages/shared.ts':
        "import { schema } from '../reports.schema.ts';\nimport { findDistricts } from '../../places/index.ts';\n",
      'modules/reports/reports.schema.ts': 'export const schema = {};\n',
      'platform/errors.ts': 'export class AppError extends Error {}\n',
    });
    assert.deepEqual(violationsOf(root), []);
  });

  test('resolves the path, so a file in a subfolder is judged by where it really points', () => {
    const root = writeTree({
      ...moduleFiles,
      // from pages/, `../places/…` stays inside reports; `../../places/…` leaves it
      'modules/reports/pages/map.ts':
        "import { a } from '../places/inner.ts';\nimport type { B } from '../../places/places.repository.ts';\n",
      'modules/reports/places/inner.ts': 'export const a = 1;\n',
      'modules/reports/index.ts': "export * from '../../modules/places/places.repository.ts';\n",
    });
    assert.deepEqual(violationsOf(root), ['modules/reports/index.ts:1', 'modules/reports/pages/map.ts:2']);
  });

  test('checks re-exports, type-only and dynamic imports, but not comments or strings', () => {
    const root = writeTree({
      ...moduleFiles,
      'modules/city/city.pages.ts': [
        '// import { findDistricts } from "../places/places.repository.ts";',
        'const text = \'import x from "../places/places.repository.ts"\';',
        'const page = `export * from "../places/places.repository.ts" ${text}`;',
        "export type { District } from '../places/places.repository.ts';",
        'import type {',
        '  Other,',
        "} from '../places/places.repository.ts';",
        "const later = await import('../places/places.repository.ts');",
        'export { page, later };',
      ].join('\n'),
    });
    assert.deepEqual(violationsOf(root), [
      'modules/city/city.pages.ts:4',
      'modules/city/city.pages.ts:7',
      'modules/city/city.pages.ts:8',
    ]);
  });

  test('leaves files outside platform/ and modules/ (main.ts, cli/) alone', () => {
    const root = writeTree({
      ...moduleFiles,
      'main.ts': "import { findDistricts } from './modules/places/places.repository.ts';\n",
      'cli/places.ts': "import { findDistricts } from '../modules/places/index.ts';\n",
    });
    assert.deepEqual(violationsOf(root), []);
  });
});

describe('the module shape', () => {
  test('reports SQL outside repositories, migrations and demo seeders, at its line', () => {
    const root = writeTree({
      'modules/places/places.use-cases.ts': [
        'export async function rename(tx: Tx, id: number) {',
        "  await tx.updateTable('places_district').set({ name: 'x' }).where('id', '=', id).execute();",
        '  const rows = await sql<{ n: number }>`select 1 as n`.execute(tx);',
        '  return tx',
        "    .selectFrom('places_district')",
        '    .selectAll()',
        '    .execute();',
        '}',
      ].join('\n'),
      'modules/places/pages/list.pages.ts': "const rows = await ctx.db.deleteFrom('x').execute();\n",
      'modules/places/places.repository.ts':
        "export const find = (db: Db) => db.selectFrom('places_district').selectAll();\n",
      'modules/places/migrations/20260101_0000_places.ts': 'await sql`create table x ()`.execute(db);\n',
      'modules/places/places.demo.ts': "await tx.insertInto('places_district').values(rows).execute();\n",
    });
    assert.deepEqual(violationsOf(root), [
      'modules/places/pages/list.pages.ts:1',
      'modules/places/places.use-cases.ts:2',
      'modules/places/places.use-cases.ts:3',
      'modules/places/places.use-cases.ts:5',
    ]);
    assert.match(checkBoundaries(root, {})[0]?.message ?? '', /^SQL outside a repository \(Kysely query deleteFrom\)/);
  });

  test('does not take SQL words in comments, strings or templates for SQL', () => {
    const root = writeTree({
      'modules/places/places.use-cases.ts': [
        "// tx.selectFrom('x') used to be here",
        "const text = 'db.insertInto(x)';",
        'const page = `sql` + `${text}.deleteFrom(`;',
        'const other = mysql`x`;',
      ].join('\n'),
    });
    assert.deepEqual(violationsOf(root), []);
  });

  test('reports HTML and interface text in use cases, but not in pages', () => {
    const root = writeTree({
      'platform/web/html.ts': 'export const html = String.raw;\n',
      'modules/places/places.use-cases.ts': [
        "import { html } from '../../platform/web/html.ts';",
        "import type { MessageKey } from '../../platform/i18n/translate.ts';",
        'export const notice = (): MessageKey => html`<p>x</p>`;',
      ].join('\n'),
      'modules/places/use-cases/rename.ts': "const t = translator('en');\n",
      'modules/places/pages/list.pages.ts': [
        "import { html } from '../../../platform/web/html.ts';",
        "import type { MessageKey } from '../../../platform/i18n/translate.ts';",
        'export const page = (key: MessageKey) => html`<p>${key}</p>`;',
      ].join('\n'),
    });
    assert.deepEqual(violationsOf(root), [
      'modules/places/places.use-cases.ts:1',
      'modules/places/places.use-cases.ts:2',
      'modules/places/places.use-cases.ts:3',
      'modules/places/places.use-cases.ts:3',
      'modules/places/use-cases/rename.ts:1',
    ]);
  });

  test('an allowlisted file is exempt from its rule, and reported once it passes it', () => {
    const root = writeTree({
      'modules/places/places.use-cases.ts': "await tx.deleteFrom('x').execute();\n",
      'modules/places/clean.use-cases.ts': 'export const nothing = 1;\n',
    });
    assert.deepEqual(violationsOf(root, { 'modules/places/places.use-cases.ts': ['sql'] }), []);
    const stale = checkBoundaries(root, { 'modules/places/clean.use-cases.ts': ['sql'] });
    assert.deepEqual(
      stale.map((violation) => `${path.basename(violation.file)}:${violation.line}`),
      ['clean.use-cases.ts:1', 'places.use-cases.ts:1'],
    );
    assert.match(stale[0]?.message ?? '', /passes it now: remove it from SHAPE_ALLOWLIST/);
  });

  test('reports an import circle among page files once, and allows a tree of imports', () => {
    const root = writeTree({
      'modules/places/pages/a.pages.ts': "import { b } from './b.pages.ts';\nexport const a = 1;\n",
      'modules/places/pages/b.pages.ts': "import { c } from './components/c.ts';\nimport { a } from './a.pages.ts';\n",
      'modules/places/pages/components/c.ts': "import type { X } from '../../places.schema.ts';\nexport const c = 1;\n",
      'modules/places/places.schema.ts': "import { a } from './pages/a.pages.ts';\n",
      'modules/city/pages/x.pages.ts': "import { y } from './y.pages.ts';\n",
      'modules/city/pages/y.pages.ts': "import { z } from './components/z.ts';\n",
      'modules/city/pages/components/z.ts': 'export const z = 1;\n',
    });
    const violations = checkBoundaries(root, {});
    assert.deepEqual(violationsOf(root), ['modules/places/pages/b.pages.ts:2']);
    assert.match(
      violations[0]?.message ?? '',
      /import circle among page files: modules\/places\/pages\/a\.pages\.ts → modules\/places\/pages\/b\.pages\.ts → modules\/places\/pages\/a\.pages\.ts/,
    );
  });

  test('masking keeps every line break and position', () => {
    const source = "const a = 'x\\'y'; // c\n/* d\n e */ const b = `t ${a + `u`} v`;\nconst r = /'/g;";
    const masked = maskSource(source);
    assert.equal(masked.length, source.length);
    assert.deepEqual(masked.split('\n').length, source.split('\n').length);
    assert.equal(masked, "const a = '    ';     \n    \n      const b = `  ${a + ` `}  `;\nconst r = / /g;");
  });
});

describe('reading imports', () => {
  test('skips regular expressions and template substitutions that contain quotes', () => {
    const source = [
      "const quote = /'/g;",
      'const nested = `a ${`b ${"c"}`} d`;',
      "const ratio = 4 / 2; const word = 'from';",
      "import { x } from './x.ts';",
    ].join('\n');
    assert.deepEqual(findImports(source), [{ specifier: './x.ts', line: 4 }]);
  });
});

describe('the script', () => {
  test('prints file:line: message for each violation and exits 1', () => {
    const root = writeTree({
      ...moduleFiles,
      'modules/reports/submit-report.ts': "\nimport { findDistricts } from '../places/places.repository.ts';\n",
    });
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/check-boundaries.ts'), root], {
      cwd: path.dirname(root),
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /^src\/modules\/reports\/submit-report\.ts:2: module 'reports' imports modules\/places\/places\.repository\.ts/m,
    );
    const violation = checkBoundaries(root)[0];
    assert.ok(violation);
    assert.equal(formatViolation(violation, path.dirname(root)), run.stderr.split('\n')[0]);
  });

  test('exits 0 on a tree without violations', () => {
    const root = writeTree(moduleFiles);
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/check-boundaries.ts'), root], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
  });
});

test('the real src/ tree keeps its boundaries', () => {
  const violations = checkBoundaries(path.join(repoRoot, 'src'));
  assert.deepEqual(
    violations.map((violation) => formatViolation(violation, repoRoot)),
    [],
  );
});
