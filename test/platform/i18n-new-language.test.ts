import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { pluralBase } from '../../src/platform/i18n/translate.ts';

/**
 * What the README's translators' section promises: a city adds a twelfth interface language by adding
 * one `pl.json` beside each `en.json` and one line to src/platform/i18n/languages.ts, with no other code
 * change. The test does exactly that to a copy of src/, then type-checks the copy and starts the
 * platform from it, which must serve Polish pages and choose Polish plural forms (one, few, many, other).
 */

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const tree = mkdtempSync(path.join(tmpdir(), 'ic-twelfth-language-'));
after(() => rmSync(tree, { recursive: true, force: true }));

/** What a Polish translator wrote; every other message stays English until translated (as Weblate shows it). */
const POLISH: Record<string, string | Record<'one' | 'few' | 'many' | 'other', string>> = {
  'site.language.choose': 'Wybierz język',
  'site.skip': 'Przejdź do treści głównej',
  'districts.title': 'Dzielnice miasta {{city}}',
  'reports.page.followers': {
    one: '{{count}} osoba obserwuje to zgłoszenie.',
    few: '{{count}} osoby obserwują to zgłoszenie.',
    many: '{{count}} osób obserwuje to zgłoszenie.',
    other: '{{count}} osoby obserwuje to zgłoszenie.',
  },
};

/** Every folder of catalogues in a tree: the platform's and each module's `locales/`. */
function catalogueFolders(src: string): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file) === 'en.json' && path.basename(path.dirname(file)) === 'locales')
    .map((file) => path.join(src, path.dirname(file)));
}

/** A Polish catalogue made from an English one: the translated texts, the rest in English, Polish plural forms. */
function polishCatalogue(english: Record<string, string>): Record<string, string> {
  const polish: Record<string, string> = {};
  for (const [key, text] of Object.entries(english)) {
    const base = pluralBase(key);
    const translated = POLISH[base];
    if (base === key) polish[key] = typeof translated === 'string' ? translated : text;
    else if (key.endsWith('_other'))
      for (const form of ['one', 'few', 'many', 'other'] as const)
        polish[`${base}_${form}`] =
          typeof translated === 'object' ? translated[form] : (english[`${base}_${form}`] ?? text);
  }
  return polish;
}

test('a twelfth language is added with its files and one line, and the platform speaks it', async () => {
  cpSync(path.join(repo, 'src'), path.join(tree, 'src'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) copyFileSync(path.join(repo, file), path.join(tree, file));
  symlinkSync(path.join(repo, 'node_modules'), path.join(tree, 'node_modules'));

  // the files
  const folders = catalogueFolders(path.join(tree, 'src'));
  assert.ok(folders.length >= 10, `catalogue folders found: ${folders.length}`);
  for (const folder of folders) {
    const english = JSON.parse(readFileSync(path.join(folder, 'en.json'), 'utf8')) as Record<string, string>;
    writeFileSync(path.join(folder, 'pl.json'), `${JSON.stringify(polishCatalogue(english), null, 2)}\n`);
  }
  // the one line
  const languagesFile = path.join(tree, 'src/platform/i18n/languages.ts');
  const languages = readFileSync(languagesFile, 'utf8');
  const withPolish = languages.replace(/\n\} as const;/, "\n  pl: { name: 'Polski', locale: 'pl_PL' },\n} as const;");
  assert.notEqual(withPolish, languages);
  writeFileSync(languagesFile, withPolish);

  // no other change: the copy type-checks (a minute of CPU; the same on either database, so checked in the
  // embedded-database run only)…
  if (!process.env.DATABASE_URL) {
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '--noEmit', '-p', tree], { cwd: tree }).catch((error: unknown) => {
      const output = (error as { stdout?: unknown }).stdout;
      assert.fail(`the tree with Polish does not type-check:\n${typeof output === 'string' ? output : String(error)}`);
    });
  }

  // …and serves Polish
  const script = `
    import { buildPlatform } from './src/main.ts';
    import { loadConfig } from './src/platform/config.ts';
    import { translator } from './src/platform/i18n/translate.ts';
    const loaded = loadConfig({ NODE_ENV: 'test', DATA_DIR: ${JSON.stringify(path.join(tree, 'data'))}, LOG_LEVEL: 'silent' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const platform = await buildPlatform(loaded.config, { demo: false, worker: false, inMemory: true });
    const page = await platform.app.inject({ url: '/districts', headers: { 'accept-language': 'pl,en;q=0.5' } });
    const t = translator('pl');
    const followers = [1, 2, 5, 22, 25].map((count) => t('reports.page.followers', { count }));
    await platform.close();
    console.log(JSON.stringify({ status: page.statusCode, html: page.body, followers }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: tree,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    status: number;
    html: string;
    followers: string[];
  };
  assert.equal(result.status, 200);
  assert.match(result.html, /<html lang="pl"/);
  assert.match(result.html, /Przejdź do treści głównej/);
  assert.match(result.html, /<h1[^>]*>Dzielnice miasta /);
  assert.match(result.html, /hreflang="pl"/);
  assert.match(result.html, />Polski</);
  assert.deepEqual(result.followers, [
    '1 osoba obserwuje to zgłoszenie.',
    '2 osoby obserwują to zgłoszenie.',
    '5 osób obserwuje to zgłoszenie.',
    '22 osoby obserwują to zgłoszenie.',
    '25 osób obserwuje to zgłoszenie.',
  ]);
});
