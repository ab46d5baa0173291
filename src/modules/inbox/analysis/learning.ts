/**
 * Learning from staff: every relabelled message is a row of inbox_classifier_example, and each city's
 * classifiers are rebuilt from its rows. A process keeps the classifier it built, keyed by the newest
 * example id and the number of examples, and rebuilds when another process (or this one) has added a
 * correction, so every process sees every correction without sharing memory.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import { isMessageLanguage, type MessageLanguage } from './languages.ts';
import type { Classifier, TrainingExample } from './classifier.ts';
import { DEFAULT_TOPICS, type TopicRule } from './default-topics.ts';
import { sentimentClassifier } from './sentiment-model.ts';
import { topicClassifier } from './topics.ts';
import { findExampleVersion, findExamples, insertClassifierExample } from './examples.repository.ts';

export type ClassifierKind = 'sentiment' | 'topic';

declare module '../../../platform/db/schema.ts' {
  interface Database {
    inbox_classifier_example: {
      id: Generated<number>;
      organisation_id: number;
      kind: ClassifierKind;
      language: string;
      text: string;
      label: string;
      message_id: number | null;
      created_by: number | null;
      created_at: ColumnType<Date, Date | string | undefined, never>;
    };
  }
}

export interface Correction {
  kind: ClassifierKind;
  language: MessageLanguage | 'unknown';
  text: string;
  label: string;
  messageId?: number | null;
  createdBy?: number | null;
}

/** Stores one staff correction (a message and its right label) as a training example; returns its id. */
export async function recordCorrection(db: Executor, organisationId: number, correction: Correction): Promise<number> {
  return insertClassifierExample(db, organisationId, correction);
}

interface CachedClassifier {
  version: string;
  classifier: Classifier;
}

const cache = new Map<string, CachedClassifier>();

function topicsSignature(topics: readonly TopicRule[]): string {
  return JSON.stringify(topics.map((topic) => [topic.key, topic.keywords]));
}

/**
 * The city's classifier of one kind, trained on all its corrections (the lexicon or keyword rules
 * alone while there are none). Cheap when nothing changed: one indexed query for the newest id.
 */
export async function classifierFor(
  db: Executor,
  organisationId: number,
  kind: ClassifierKind,
  topics: readonly TopicRule[] = DEFAULT_TOPICS,
): Promise<Classifier> {
  const latest = await findExampleVersion(db, organisationId, kind);
  const version = `${String(latest.latest)}:${String(latest.count)}${kind === 'topic' ? `:${topicsSignature(topics)}` : ''}`;
  const key = `${organisationId}:${kind}`;
  const cached = cache.get(key);
  if (cached?.version === version) return cached.classifier;
  const rows = await findExamples(db, organisationId, kind);
  const examples: TrainingExample[] = rows.map((row) => ({
    text: row.text,
    label: row.label,
    language: isMessageLanguage(row.language) ? row.language : 'unknown',
  }));
  const classifier = kind === 'sentiment' ? sentimentClassifier(examples) : topicClassifier(topics, examples);
  cache.set(key, { version, classifier });
  return classifier;
}
