import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkBoundaries, findImports, formatViolation } from '../scripts/check-boundaries.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
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
function violationsOf(root: string): string[] {
  return checkBoundaries(root).map(
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
