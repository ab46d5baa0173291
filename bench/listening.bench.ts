/**
 * Listening (issue 5) — analysis throughput on one core: language identification alone against the
 * full analysis of a message (language, sentiment, topic, district), in the same run, on the tweet
 * set's val texts when the workplace's shared data exists, else on generated text. Also the time to
 * build the language model and to train a city's sentiment classifier from 1,839 corrections.
 */
import { performance } from 'node:perf_hooks';
import { sharedDataDir } from '../test/support/shared-data.ts';
import {
  analyseMessage,
  DEFAULT_TOPICS,
  identifyLanguage,
  sentimentClassifier,
  warmLanguageModel,
  type Gazetteer,
} from '../src/modules/inbox/analysis/index.ts';
import { DATA_LANGUAGES, readSplit } from '../src/modules/inbox/analysis/evaluation.ts';
import { LANGUAGE_SAMPLES } from '../src/modules/inbox/analysis/language-samples.ts';
import { formatMs, formatNumber, printTable, progress, type BenchOptions } from './lib.ts';

const GAZETTEER: Gazetteer = {
  districts: [
    {
      id: 1,
      names: ['Old Town', 'Centre'],
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        ],
      },
    },
    {
      id: 2,
      names: ['Riverside'],
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [1, 0],
            [2, 0],
            [2, 1],
            [1, 1],
            [1, 0],
          ],
        ],
      },
    },
  ],
  streets: [{ name: 'Station Road', districtId: 2 }],
};

function benchTexts(): { texts: string[]; source: string; training: Array<{ text: string; label: string }> } {
  try {
    const dir = sharedDataDir('sentiment');
    const folders = Object.keys(DATA_LANGUAGES);
    return {
      texts: folders.flatMap((folder) => readSplit(dir, folder, 'val').map((row) => row.text)),
      source: `val texts of ${folders.length} languages`,
      training: readSplit(dir, 'english', 'train').map((row) => ({ text: row.text, label: row.sentiment })),
    };
  } catch {
    const lines = Object.values(LANGUAGE_SAMPLES).flatMap((block) => block.split('\n'));
    const texts = Array.from(
      { length: 2000 },
      (_, index) => `${lines[index % lines.length]} @user #city${index % 7} http://t.co/x`,
    );
    return {
      texts,
      source: 'generated text (no shared data)',
      training: texts
        .slice(0, 1839)
        .map((text, index) => ({ text, label: ['negative', 'neutral', 'positive'][index % 3] as string })),
    };
  }
}

/** Messages per second of `work` over the texts, repeated for about `seconds`. */
function throughput(texts: readonly string[], seconds: number, work: (text: string) => unknown): number {
  for (const text of texts.slice(0, 200)) work(text);
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const text of texts) work(text);
    done += texts.length;
  }
  return done / ((performance.now() - started) / 1000);
}

/** Prints the listening throughput table. */
export function benchListening(options: BenchOptions): void {
  const seconds = options.quick ? 1 : 3;
  const { texts, source, training } = benchTexts();
  progress(`listening: ${texts.length} messages (${source})`);
  let started = performance.now();
  warmLanguageModel();
  const buildMs = performance.now() - started;
  started = performance.now();
  const trained = sentimentClassifier(
    training.map((row) => ({ ...row, language: identifyLanguage(row.text).language })),
  );
  trained.predict('warm up', 'en');
  const trainMs = performance.now() - started;
  const plain = { gazetteer: GAZETTEER, topics: DEFAULT_TOPICS };
  const withModel = { ...plain, sentimentModel: trained };
  const language = throughput(texts, seconds, (text) => identifyLanguage(text));
  const full = throughput(texts, seconds, (text) => analyseMessage({ text, lat: 0.5, lng: 1.5 }, plain));
  const fullTrained = throughput(texts, seconds, (text) => analyseMessage({ text }, withModel));
  printTable(
    `Listening — analysis on one core (${source}, ${seconds} s per row)`,
    ['what', 'messages/s', 'µs per message', 'vs language alone'],
    [
      ['language identification alone', formatNumber(language), formatNumber(1e6 / language), '1.00'],
      ['full analysis, lexicon and rules', formatNumber(full), formatNumber(1e6 / full), (full / language).toFixed(2)],
      [
        'full analysis, trained sentiment',
        formatNumber(fullTrained),
        formatNumber(1e6 / fullTrained),
        (fullTrained / language).toFixed(2),
      ],
    ],
  );
  console.log(
    `\nLanguage model built in ${formatMs(buildMs)} ms; sentiment classifier trained on ${training.length} corrections in ${formatMs(trainMs)} ms.`,
  );
}
