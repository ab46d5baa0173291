// The default template of the communication index: ten criteria a city can change without code (their
// labels are written into its data in its languages when it first opens the index).

import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import { translator, type MessageKey } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findCriteria, insertCriteria, type Criterion, type CriterionInput } from './index.repository.ts';
import type { CriterionSource, RubricLevel } from './insights.schema.ts';
import type { KpiCode } from './kpis.ts';

interface TemplateCriterion {
  key: string;
  weight: number;
  source: CriterionSource;
  kpi?: KpiCode;
  floor: number;
  target: number;
}

export const DEFAULT_TEMPLATE: readonly TemplateCriterion[] = [
  { key: 'reach', weight: 1, source: 'kpi', kpi: 'publishing.reach', floor: 0, target: 10_000 },
  { key: 'engagement', weight: 1, source: 'kpi', kpi: 'publishing.engagementRate', floor: 0, target: 5 },
  { key: 'responsiveness', weight: 2, source: 'kpi', kpi: 'inbox.withinGoal', floor: 50, target: 95 },
  { key: 'answer-quality', weight: 1.5, source: 'rubric', floor: 0, target: 4 },
  { key: 'channel-coverage', weight: 1, source: 'kpi', kpi: 'inbox.sameChannel', floor: 50, target: 100 },
  { key: 'languages', weight: 1, source: 'kpi', kpi: 'languages.offeredShare', floor: 50, target: 100 },
  { key: 'accessibility', weight: 1, source: 'rubric', floor: 0, target: 4 },
  { key: 'participation', weight: 1, source: 'kpi', kpi: 'participation.participants', floor: 0, target: 500 },
  { key: 'transparency', weight: 1, source: 'rubric', floor: 0, target: 4 },
  { key: 'sentiment', weight: 1, source: 'survey', floor: 40, target: 80 },
];

/** A text of the catalogue in each of the city's languages, as data. */
function inLanguages(languages: readonly string[], key: MessageKey): Translated {
  return Object.fromEntries(languages.filter(isLanguage).map((language) => [language, translator(language)(key)]));
}

/** The five levels of a rubric (0 absent … 4 excellent), labelled in the city's languages. */
export function rubricLevels(languages: readonly string[]): RubricLevel[] {
  return [0, 1, 2, 3, 4].map((value) => ({
    value,
    label: inLanguages(languages, `insights.level.${value}` as MessageKey),
  }));
}

export function defaultCriteria(languages: readonly string[]): CriterionInput[] {
  return DEFAULT_TEMPLATE.map((criterion, position) => ({
    key: criterion.key,
    labels: inLanguages(languages, `insights.criterion.${criterion.key}` as MessageKey),
    weight: criterion.weight,
    source: criterion.source,
    kpi: criterion.kpi ?? null,
    levels: criterion.source === 'rubric' ? rubricLevels(languages) : [],
    floor: criterion.floor,
    target: criterion.target,
    position,
  }));
}

/** The city's criteria; the default template written in first when it has none. */
export async function ensureCriteria(ctx: AppContext, organisation: Organisation): Promise<Criterion[]> {
  const criteria = await findCriteria(ctx.db, organisation.id);
  if (criteria.length > 0) return criteria;
  await insertCriteria(ctx.db, organisation.id, defaultCriteria(organisation.languages));
  return findCriteria(ctx.db, organisation.id);
}
