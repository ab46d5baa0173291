/**
 * `node scripts/sentiment-cv.ts DIR [folds] ['{"training":{…},"features":{…}}']` (Node 24, as the npm
 * scripts run it) — k-fold cross-validation of the sentiment classifier on the **train** split of the
 * tweet set only (how its options are chosen; val is never read). Each language's train tweets are
 * shuffled once (seed 7), split into `folds` folds, and every fold is predicted by a classifier
 * trained on the others, each tweet read in the language identified in a city of the folder's
 * language. Prints the mean macro-F1, each language's, the seconds taken and the overrides; with
 * CV_CONFUSION=1 also the confusion counts (gold>predicted) summed over languages and folds.
 */
import { readdirSync } from 'node:fs';
import '../src/main.ts';
import { DEFAULT_TRAINING } from '../src/modules/inbox/analysis/classifier.ts';
import { DATA_LANGUAGES, macroF1, readSplit, shuffled } from '../src/modules/inbox/analysis/evaluation.ts';
import { DEFAULT_FEATURES } from '../src/modules/inbox/analysis/features.ts';
import { identifyLanguage } from '../src/modules/inbox/analysis/language.ts';
import { sentimentClassifier } from '../src/modules/inbox/analysis/sentiment-model.ts';
import type { Sentiment } from '../src/modules/inbox/analysis/sentiment.ts';

const [dir = '', foldsArg = '3', overrides = '{}'] = process.argv.slice(2);
const folds = Number(foldsArg);
const extra = JSON.parse(overrides) as Record<string, unknown>;
const training = { ...DEFAULT_TRAINING, ...(extra.training as object) };
const features = { ...DEFAULT_FEATURES, ...(extra.features as object) };
const started = performance.now();
const scores: Record<string, number> = {};
const confusion: Record<string, number> = {};
for (const folder of readdirSync(dir)
  .filter((name) => Object.hasOwn(DATA_LANGUAGES, name))
  .sort()) {
  const language = DATA_LANGUAGES[folder] as string;
  const rows = shuffled(readSplit(dir, folder, 'train'), 7).map((row) => ({
    ...row,
    language: identifyLanguage(row.text, [language]).language,
  }));
  let sum = 0;
  for (let fold = 0; fold < folds; fold++) {
    const test = rows.filter((_, index) => index % folds === fold);
    const learn = rows.filter((_, index) => index % folds !== fold);
    const classifier = sentimentClassifier(
      learn.map((row) => ({ text: row.text, language: row.language, label: row.sentiment })),
      training,
      features,
    );
    const predicted = test.map((row) => classifier.predict(row.text, row.language).label as Sentiment);
    if (process.env.CV_CONFUSION)
      test.forEach((row, index) => {
        const key = `${row.sentiment.slice(0, 3)}>${(predicted[index] as string).slice(0, 3)}`;
        confusion[key] = (confusion[key] ?? 0) + 1;
      });
    sum += macroF1(
      test.map((row) => row.sentiment),
      predicted,
    );
  }
  scores[folder] = sum / folds;
}
const values = Object.values(scores);
const mean = values.reduce((a, b) => a + b, 0) / values.length;
console.log(
  `${mean.toFixed(4)} ${Object.entries(scores)
    .map(([k, v]) => `${k.slice(0, 2)}=${v.toFixed(3)}`)
    .join(' ')} ${((performance.now() - started) / 1000).toFixed(0)}s ${overrides}`,
);
if (process.env.CV_CONFUSION) console.log(JSON.stringify(Object.entries(confusion).sort()));
