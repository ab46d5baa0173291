/**
 * `npm run --silent listening:eval -- --data DIR [--train train] [--eval val] [--only english,german] [--draws 3]`
 *
 * Measures the inbox's analysis on a labelled tweet set (DIR/<language>/<split>_text.txt and
 * _labels.txt): per language, language identification accuracy on the eval split (alone, and in a
 * city whose language is the folder's, as the inbox reads its messages), and sentiment
 * macro-F1 on the eval split as the classifier learns, all through the same path as staff
 * corrections — every example stored with recordCorrection in a real (in-memory PGlite) database, the
 * classifier built by classifierFor, one city per language and draw:
 * - the lexicon alone (0 examples);
 * - the learning curve: after 1, 5, 10, 50, 200 and 500 train examples (mean of `--draws` random draws), and all;
 * - the teaching test: after correcting the first 8 train texts the lexicon misreads.
 * Every score is on the same eval split, so each column compares with the lexicon's; sentiment reads
 * each text in the language identified in the city. *msg/s*: eval texts read per second (language
 * identification and sentiment) by the classifier trained on all examples, once it is fitted. The last
 * line is JSON.
 */
import { readdirSync } from 'node:fs';
import { MODULES } from '../src/main.ts';
import {
  classifierFor,
  identifyLanguage,
  recordCorrection,
  sentimentClassifier,
} from '../src/modules/inbox/analysis/index.ts';
import {
  CURVE_POINTS,
  DATA_LANGUAGES,
  languageAccuracy,
  misread,
  readSplit,
  sentimentF1,
  shuffled,
  type LabelledText,
} from '../src/modules/inbox/analysis/evaluation.ts';
import type { Executor } from '../src/platform/db/database.ts';
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
    'Usage: npm run --silent listening:eval -- --data DIR [--train train] [--eval val] [--only english,german] [--draws 3]',
  );
  process.exit(2);
}
const trainSplit = option('train', 'train') as string;
const evalSplit = option('eval', 'val') as string;
const draws = Math.max(1, Number(option('draws', '3')));
const only = option('only')?.split(',');
const folders = readdirSync(dir)
  .filter((folder) => Object.hasOwn(DATA_LANGUAGES, folder) && (!only || only.includes(folder)))
  .sort();
const TEACHING = 8;

interface Scores {
  langid: number;
  langidCity: number;
  lexicon: number;
  curve: Record<string, number>;
  all: number;
  teaching: number;
  seconds: number;
  messagesPerSecond: number;
}

const handle = await openDatabase({});
const results: Record<string, Scores> = {};
let cities = 0;
try {
  await migrate(handle.db, collectMigrations(platformMigrations, MODULES));
  const organisations = new OrganisationRepository(handle.db);
  const newCity = async (language: string) => {
    cities++;
    const city = await organisations.insert({
      slug: `eval-${cities}`,
      name: { en: `Eval ${cities}` },
      languages: [language],
      defaultLanguage: language,
      map: { lat: 0, lng: 0 },
    });
    return city.id;
  };
  const correct = (db: Executor, cityId: number, row: LabelledText, city: readonly string[]) =>
    recordCorrection(db, cityId, {
      kind: 'sentiment',
      language: identifyLanguage(row.text, city).language,
      text: row.text,
      label: row.sentiment,
    });
  const lexiconOnly = sentimentClassifier();
  console.log(
    `| language | langid | langid, city | lexicon (0) | ${CURVE_POINTS.join(' | ')} | all (n) | ${TEACHING} corrections | s | msg/s |`,
  );
  console.log(
    `| --- | ---: | ---: | ---: | ${CURVE_POINTS.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`,
  );
  for (const folder of folders) {
    const language = DATA_LANGUAGES[folder] as string;
    const city = [language];
    const train = readSplit(dir, folder, trainSplit);
    const evaluation = readSplit(dir, folder, evalSplit);
    const started = performance.now();
    const lexicon = sentimentF1(lexiconOnly, evaluation, city);
    // The learning curve: examples added one by one to a city, the classifier read at each point.
    const curve: Record<string, number> = Object.fromEntries(CURVE_POINTS.map((points) => [points, 0]));
    for (let draw = 0; draw < draws; draw++) {
      const cityId = await newCity(language);
      const order = shuffled(train, draw + 1);
      let added = 0;
      for (const points of CURVE_POINTS) {
        for (; added < points; added++) await correct(handle.db, cityId, order[added] as LabelledText, city);
        curve[points] =
          (curve[points] as number) +
          sentimentF1(await classifierFor(handle.db, cityId, 'sentiment'), evaluation, city) / draws;
      }
    }
    const allCity = await newCity(language);
    for (const row of train) await correct(handle.db, allCity, row, city);
    const allClassifier = await classifierFor(handle.db, allCity, 'sentiment');
    allClassifier.predict('', 'unknown'); // fits it
    const reading = performance.now();
    const all = sentimentF1(allClassifier, evaluation, city);
    const messagesPerSecond = evaluation.length / ((performance.now() - reading) / 1000);
    // The teaching test: staff correct the first texts the lexicon misreads.
    const teachingCity = await newCity(language);
    for (const row of misread(lexiconOnly, train, TEACHING, city)) await correct(handle.db, teachingCity, row, city);
    const teaching = sentimentF1(await classifierFor(handle.db, teachingCity, 'sentiment'), evaluation, city);
    const langid = languageAccuracy(evaluation, language as never);
    const langidCity = languageAccuracy(evaluation, language as never, city);
    const seconds = (performance.now() - started) / 1000;
    results[folder] = {
      langid: round(langid),
      langidCity: round(langidCity),
      lexicon: round(lexicon),
      curve: Object.fromEntries(Object.entries(curve).map(([points, score]) => [points, round(score)])),
      all: round(all),
      teaching: round(teaching),
      seconds: Math.round(seconds * 10) / 10,
      messagesPerSecond: Math.round(messagesPerSecond),
    };
    console.log(
      `| ${folder} (${language}) | ${langid.toFixed(3)} | ${langidCity.toFixed(3)} | ${lexicon.toFixed(3)} | ${CURVE_POINTS.map((points) => (curve[points] as number).toFixed(3)).join(' | ')} | ${all.toFixed(3)} (${train.length}) | ${teaching.toFixed(3)} | ${seconds.toFixed(1)} | ${Math.round(messagesPerSecond)} |`,
    );
  }
  const rows = Object.values(results);
  const mean = (pick: (scores: Scores) => number): string =>
    (rows.reduce((sum, scores) => sum + pick(scores), 0) / Math.max(1, rows.length)).toFixed(3);
  console.log(
    `| **mean** | ${mean((r) => r.langid)} | ${mean((r) => r.langidCity)} | ${mean((r) => r.lexicon)} | ${CURVE_POINTS.map((points) => mean((r) => r.curve[points] as number)).join(' | ')} | ${mean((r) => r.all)} | ${mean((r) => r.teaching)} | | ${Math.round(rows.reduce((sum, scores) => sum + scores.messagesPerSecond, 0) / Math.max(1, rows.length))} |`,
  );
} finally {
  await handle.close();
}
console.log(JSON.stringify(results));

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
