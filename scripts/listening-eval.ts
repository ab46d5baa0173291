/**
 * `npm run --silent listening:eval -- --data DIR [--train train] [--eval val] [--only english,german]`
 *
 * Measures the inbox's analysis on a labelled tweet set (DIR/<language>/<split>_text.txt and
 * _labels.txt): per language, language identification accuracy on the eval split, sentiment macro-F1
 * of the lexicon alone, and macro-F1 after learning from the train split through the same path as
 * staff corrections — every example stored with recordCorrection in a real (in-memory PGlite)
 * database, the classifier built by classifierFor — one city per language. The last line is JSON.
 */
import { readdirSync } from 'node:fs';
import { MODULES } from '../src/main.ts';
import { identifyLanguage } from '../src/modules/inbox/analysis/index.ts';
import { classifierFor, recordCorrection, sentimentClassifier } from '../src/modules/inbox/analysis/index.ts';
import { DATA_LANGUAGES, languageAccuracy, readSplit, sentimentF1 } from '../src/modules/inbox/analysis/evaluation.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { platformMigrations } from '../src/platform/db/migrations/index.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { collectMigrations } from '../src/platform/module.ts';
import { OrganisationRepository } from '../src/platform/organisations/organisations.ts';

function option(name: string, fallback?: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const dir = option('data');
if (!dir) {
  console.error(
    'Usage: npm run --silent listening:eval -- --data DIR [--train train] [--eval val] [--only english,german]',
  );
  process.exit(2);
}
const trainSplit = option('train', 'train') as string;
const evalSplit = option('eval', 'val') as string;
const only = option('only')?.split(',');
const folders = readdirSync(dir)
  .filter((folder) => Object.hasOwn(DATA_LANGUAGES, folder) && (!only || only.includes(folder)))
  .sort();

const handle = await openDatabase({});
const results: Record<string, { langid: number; f1_lexicon: number; f1_trained: number }> = {};
try {
  await migrate(handle.db, collectMigrations(platformMigrations, MODULES));
  const organisations = new OrganisationRepository(handle.db);
  const lexiconOnly = sentimentClassifier();
  console.log('| language | examples | langid | F1 lexicon | F1 trained | train s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const folder of folders) {
    const language = DATA_LANGUAGES[folder] as string;
    const train = readSplit(dir, folder, trainSplit);
    const evaluation = readSplit(dir, folder, evalSplit);
    const city = await organisations.insert({
      slug: `eval-${folder}`,
      name: { en: `Eval ${folder}` },
      languages: [DATA_LANGUAGES[folder] as string],
      defaultLanguage: DATA_LANGUAGES[folder] as string,
      map: { lat: 0, lng: 0 },
    });
    const started = performance.now();
    for (const row of train) {
      await recordCorrection(handle.db, city.id, {
        kind: 'sentiment',
        language: identifyLanguage(row.text).language,
        text: row.text,
        label: row.sentiment,
      });
    }
    const trained = await classifierFor(handle.db, city.id, 'sentiment');
    const scores = {
      langid: languageAccuracy(evaluation, DATA_LANGUAGES[folder] as never),
      f1_lexicon: sentimentF1(lexiconOnly, evaluation),
      f1_trained: sentimentF1(trained, evaluation),
    };
    const seconds = (performance.now() - started) / 1000;
    results[folder] = {
      langid: round(scores.langid),
      f1_lexicon: round(scores.f1_lexicon),
      f1_trained: round(scores.f1_trained),
    };
    console.log(
      `| ${folder} (${language}) | ${train.length} | ${scores.langid.toFixed(3)} | ${scores.f1_lexicon.toFixed(3)} | ${scores.f1_trained.toFixed(3)} | ${seconds.toFixed(1)} |`,
    );
  }
} finally {
  await handle.close();
}
console.log(JSON.stringify(results));

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
