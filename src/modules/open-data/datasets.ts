// The public datasets, declared as data: adding one is one entry here (and its texts in the locales).

import type { Executor } from '../../platform/db/database.ts';
import {
  budgetsModified,
  pagePublicBudgets,
  pagePublicMilestones,
  pagePublicProjects,
  pagePublishedResults,
} from '../budgets/index.ts';
import {
  pagePublicComments,
  pagePublicDebates,
  pagePublicMeetings,
  pagePublicProcesses,
  pagePublicProposals,
  participationModified,
} from '../participation/index.ts';
import { indexSnapshotsModified, pagePublicIndexCriteria } from '../insights/index.ts';
import { districtsModified, pagePublicDistricts } from '../places/index.ts';
import { guidePlacesModified, pagePublicGuidePlaces } from '../guide/index.ts';
import {
  pagePublicCategories,
  pagePublicDepartments,
  pagePublicReports,
  reportsDataModified,
  visibleReportIds,
} from '../reports/index.ts';

/** How a value is written: `translated` is one text per city language (one CSV column each). */
export type FieldType =
  'integer' | 'number' | 'boolean' | 'text' | 'code' | 'datetime' | 'date' | 'translated' | 'integer_list' | 'uri';
export type Unit = 'EUR' | 'degree' | 'hours' | 'days' | 'years' | 'percent' | 'people';

export interface FieldSpec {
  /** The column in every format, and the key of its meaning: `openData.field.<name>`. */
  name: string;
  type: FieldType;
  unit?: Unit;
}

/** Themes of the EU data-theme vocabulary (http://publications.europa.eu/resource/authority/data-theme/). */
export type Theme = 'GOVE' | 'REGI' | 'SOCI' | 'ECON' | 'ENVI' | 'TRAN';

export type Row = Record<string, unknown>;

export interface DatasetSpec {
  /** Stable: the path of its page and files (`/open-data/<id>`, `.csv`, `.json`, `.geojson`). */
  id: string;
  /** The module whose data it is. */
  module: string;
  themes: Theme[];
  fields: FieldSpec[];
  /** Rows with `id` greater than `afterId`, in id order, at most `limit`: the keyset page. */
  page(db: Executor, organisationId: number, afterId: number, limit: number): Promise<Row[]>;
  modified(db: Executor, organisationId: number): Promise<Date | null>;
  /**
   * The date field that places a row in time (when it was made, held or measured): the catalogue's time
   * coverage (dct:temporal) runs from its value in the first row to the data's last change. Absent for
   * reference lists (categories, departments, districts).
   */
  temporal?: string;
  /** The place of a row: a point from two columns, or a GeoJSON geometry column. */
  geometry?: { point: { lng: string; lat: string } } | { column: string };
}

/**
 * Comments whose subject the public can see: participation leaves out those under hidden proposals and
 * debates, and reports says which reports are hidden. A page is filled up to `limit` from further rows,
 * so that a short page still means the end.
 */
async function publicComments(db: Executor, organisationId: number, afterId: number, limit: number): Promise<Row[]> {
  const kept: Row[] = [];
  let after = afterId;
  for (;;) {
    const rows = await pagePublicComments(db, organisationId, after, limit);
    const reportIds = rows.filter((row) => row.subject_type === 'report').map((row) => row.subject_id);
    const visible = await visibleReportIds(db, organisationId, reportIds);
    for (const row of rows) if (row.subject_type !== 'report' || visible.has(row.subject_id)) kept.push(row);
    const last = rows.at(-1);
    if (rows.length < limit || kept.length >= limit || !last) return kept.slice(0, limit);
    after = last.id;
  }
}

const f = (name: string, type: FieldType, unit?: Unit): FieldSpec => (unit ? { name, type, unit } : { name, type });
const point = { point: { lng: 'lng', lat: 'lat' } };
const lngLat = [f('lng', 'number', 'degree'), f('lat', 'number', 'degree')];

export const DATASETS: readonly DatasetSpec[] = [
  {
    id: 'reports',
    module: 'reports',
    themes: ['REGI', 'GOVE'],
    fields: [
      f('id', 'integer'),
      f('category_id', 'integer'),
      f('category_code', 'code'),
      f('department_id', 'integer'),
      f('district_id', 'integer'),
      f('status', 'code'),
      f('is_open', 'boolean'),
      f('description', 'text'),
      f('address', 'text'),
      ...lngLat,
      f('duplicate_of_id', 'integer'),
      f('created_at', 'datetime'),
      f('updated_at', 'datetime'),
      f('closed_at', 'datetime'),
    ],
    page: pagePublicReports,
    modified: (db, id) => reportsDataModified(db, id, 'reports'),
    temporal: 'created_at',
    geometry: point,
  },
  {
    id: 'report-categories',
    module: 'reports',
    themes: ['GOVE'],
    fields: [
      f('id', 'integer'),
      f('code', 'code'),
      f('group_name', 'translated'),
      f('name', 'translated'),
      f('description', 'translated'),
      f('default_department_id', 'integer'),
      f('expected_hours', 'integer', 'hours'),
      f('active', 'boolean'),
    ],
    page: pagePublicCategories,
    modified: (db, id) => reportsDataModified(db, id, 'categories'),
  },
  {
    id: 'departments',
    module: 'reports',
    themes: ['GOVE'],
    fields: [f('id', 'integer'), f('slug', 'code'), f('name', 'translated'), f('archived_at', 'datetime')],
    page: pagePublicDepartments,
    modified: (db, id) => reportsDataModified(db, id, 'departments'),
  },
  {
    id: 'districts',
    module: 'places',
    themes: ['REGI'],
    fields: [
      f('id', 'integer'),
      f('kind', 'code'),
      f('code', 'code'),
      f('parent_id', 'integer'),
      f('name', 'translated'),
      f('population', 'integer', 'people'),
      f('created_at', 'datetime'),
    ],
    page: pagePublicDistricts,
    modified: districtsModified,
    geometry: { column: 'geometry' },
  },
  {
    id: 'guide-places',
    module: 'guide',
    themes: ['REGI', 'ECON'],
    fields: [
      f('id', 'integer'),
      f('code', 'code'),
      f('name', 'translated'),
      f('categories', 'text'),
      ...lngLat,
      f('opening_hours', 'text'),
      f('step_free', 'boolean'),
      f('accessible_toilet', 'boolean'),
      f('seating', 'boolean'),
      f('osm_url', 'uri'),
      f('updated_at', 'datetime'),
    ],
    page: pagePublicGuidePlaces,
    modified: guidePlacesModified,
    geometry: point,
  },
  {
    id: 'processes',
    module: 'participation',
    themes: ['GOVE', 'SOCI'],
    fields: [
      f('id', 'integer'),
      f('slug', 'code'),
      f('title', 'translated'),
      f('description', 'translated'),
      f('district_ids', 'integer_list'),
      f('eligibility_level', 'code'),
      f('min_age', 'integer', 'years'),
      f('max_age', 'integer', 'years'),
      f('support_threshold', 'integer', 'people'),
      f('support_days', 'integer', 'days'),
      f('answer_days', 'integer', 'days'),
      f('created_at', 'datetime'),
      f('updated_at', 'datetime'),
    ],
    page: pagePublicProcesses,
    modified: (db, id) => participationModified(db, id, 'processes'),
    temporal: 'created_at',
  },
  {
    id: 'proposals',
    module: 'participation',
    themes: ['GOVE', 'SOCI'],
    fields: [
      f('id', 'integer'),
      f('process_id', 'integer'),
      f('title', 'text'),
      f('body', 'text'),
      f('category', 'code'),
      f('district_id', 'integer'),
      ...lngLat,
      f('status', 'code'),
      f('supports_count', 'integer', 'people'),
      f('threshold', 'integer', 'people'),
      f('support_deadline', 'datetime'),
      f('threshold_reached_at', 'datetime'),
      f('answer_due_at', 'datetime'),
      f('answer_text', 'text'),
      f('answered_at', 'datetime'),
      f('withdrawn_at', 'datetime'),
      f('created_at', 'datetime'),
    ],
    page: pagePublicProposals,
    modified: (db, id) => participationModified(db, id, 'proposals'),
    temporal: 'created_at',
    geometry: point,
  },
  {
    id: 'debates',
    module: 'participation',
    themes: ['GOVE', 'SOCI'],
    fields: [
      f('id', 'integer'),
      f('process_id', 'integer'),
      f('title', 'text'),
      f('body', 'text'),
      f('created_at', 'datetime'),
    ],
    page: pagePublicDebates,
    modified: (db, id) => participationModified(db, id, 'debates'),
    temporal: 'created_at',
  },
  {
    id: 'comments',
    module: 'participation',
    themes: ['GOVE', 'SOCI'],
    fields: [
      f('id', 'integer'),
      f('subject_type', 'code'),
      f('subject_id', 'integer'),
      f('parent_id', 'integer'),
      f('body', 'text'),
      f('stance', 'code'),
      f('ups', 'integer', 'people'),
      f('downs', 'integer', 'people'),
      f('created_at', 'datetime'),
    ],
    page: publicComments,
    modified: (db, id) => participationModified(db, id, 'comments'),
    temporal: 'created_at',
  },
  {
    id: 'budgets',
    module: 'budgets',
    themes: ['ECON', 'GOVE'],
    fields: [
      f('id', 'integer'),
      f('process_id', 'integer'),
      f('title', 'translated'),
      f('description', 'translated'),
      f('voting_rule', 'code'),
      f('max_projects', 'integer'),
      f('max_votes', 'integer'),
      f('results_method', 'code'),
      f('results_published_at', 'datetime'),
      f('created_at', 'datetime'),
    ],
    page: pagePublicBudgets,
    modified: (db, id) => budgetsModified(db, id, 'budgets'),
    temporal: 'created_at',
  },
  {
    id: 'budget-projects',
    module: 'budgets',
    themes: ['ECON', 'GOVE'],
    fields: [
      f('id', 'integer'),
      f('budget_id', 'integer'),
      f('heading_id', 'integer'),
      f('heading_name', 'translated'),
      f('district_id', 'integer'),
      f('title', 'translated'),
      f('description', 'translated'),
      f('cost', 'number', 'EUR'),
      f('feasibility', 'code'),
      f('feasibility_explanation', 'translated'),
      f('status', 'code'),
      f('funded', 'boolean'),
      f('follow_up_status', 'code'),
      f('progress', 'integer', 'percent'),
      ...lngLat,
      f('created_at', 'datetime'),
      f('updated_at', 'datetime'),
    ],
    page: pagePublicProjects,
    modified: (db, id) => budgetsModified(db, id, 'projects'),
    temporal: 'created_at',
    geometry: point,
  },
  {
    id: 'ballot-results',
    module: 'budgets',
    themes: ['ECON', 'GOVE'],
    fields: [
      f('id', 'integer'),
      f('budget_id', 'integer'),
      f('heading_id', 'integer'),
      f('title', 'translated'),
      f('cost', 'number', 'EUR'),
      f('method', 'code'),
      f('ballots', 'integer', 'people'),
      f('votes', 'integer'),
      f('funded', 'boolean'),
      f('position', 'integer'),
      f('results_published_at', 'datetime'),
    ],
    page: pagePublishedResults,
    modified: (db, id) => budgetsModified(db, id, 'results'),
    temporal: 'results_published_at',
  },
  {
    id: 'budget-follow-up',
    module: 'budgets',
    themes: ['ECON', 'GOVE'],
    fields: [
      f('id', 'integer'),
      f('project_id', 'integer'),
      f('budget_id', 'integer'),
      f('title', 'translated'),
      f('description', 'translated'),
      f('happened_on', 'date'),
      f('progress', 'integer', 'percent'),
      f('follow_up_status', 'code'),
    ],
    page: pagePublicMilestones,
    modified: (db, id) => budgetsModified(db, id, 'milestones'),
    temporal: 'happened_on',
  },
  {
    id: 'meetings',
    module: 'participation',
    themes: ['GOVE', 'SOCI'],
    fields: [
      f('id', 'integer'),
      f('process_id', 'integer'),
      f('title', 'translated'),
      f('description', 'translated'),
      f('starts_at', 'datetime'),
      f('ends_at', 'datetime'),
      f('address', 'text'),
      ...lngLat,
      f('online_url', 'uri'),
      f('capacity', 'integer', 'people'),
      f('registrations_count', 'integer', 'people'),
      f('minutes', 'translated'),
      f('minutes_published_at', 'datetime'),
      f('updated_at', 'datetime'),
    ],
    page: pagePublicMeetings,
    modified: (db, id) => participationModified(db, id, 'meetings'),
    temporal: 'starts_at',
    geometry: point,
  },
  {
    id: 'communication-indicators',
    module: 'insights',
    themes: ['GOVE'],
    fields: [
      f('id', 'integer'),
      f('period', 'code'),
      f('period_start', 'date'),
      f('period_end', 'date'),
      f('score', 'number'),
      f('criterion', 'code'),
      f('label', 'translated'),
      f('source_kind', 'code'),
      f('indicator', 'code'),
      f('weight', 'number'),
      f('value', 'number'),
      f('floor', 'number'),
      f('target', 'number'),
      f('points', 'number'),
      f('taken_at', 'datetime'),
    ],
    page: pagePublicIndexCriteria,
    modified: indexSnapshotsModified,
    temporal: 'period_start',
  },
];

export function findDataset(id: string): DatasetSpec | undefined {
  return DATASETS.find((dataset) => dataset.id === id);
}

/** The formats a dataset is offered in: GeoJSON only where its rows have a place. */
export function formatsOf(dataset: DatasetSpec): Array<'csv' | 'json' | 'geojson'> {
  return dataset.geometry ? ['csv', 'json', 'geojson'] : ['csv', 'json'];
}
