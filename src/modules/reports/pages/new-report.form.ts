import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { MAX_PHOTOS, type PhotoType } from '../photos.ts';
import { countPendingPhotos, storePendingPhotos } from '../photos.repository.ts';
import type { ReportFormChoices } from '../report-form.use-cases.ts';
import type { Category, Question } from '../report-categories.repository.ts';
import { checkSubmission, type ReportSubmission } from '../submit-report.use-cases.ts';
import { answersFromForm, questionFieldId, submissionAnswers, submissionProblemMessage } from './question-fields.ts';
import { parseCoordinate } from './shared.ts';
import { photoProblem, readPhotos } from './uploads.ts';
import type { Static } from 'typebox';
import { isEmail } from '../../../platform/validation.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { NewReportForm } from '../reports.forms.ts';

/** What the resident typed, kept across error pages and the "similar reports" step. */
export interface ReportForm {
  lat: string;
  lng: string;
  address: string;
  category: string;
  answers: Record<string, string[]>;
  description: string;
  showName: 'yes' | 'no';
  email: string;
  name: string;
  pendingPhotos: string;
  keptPhotos: number;
}

export function emptyForm(): ReportForm {
  return {
    lat: '',
    lng: '',
    address: '',
    category: '',
    answers: {},
    description: '',
    showName: 'no',
    email: '',
    name: '',
    pendingPhotos: '',
    keptPhotos: 0,
  };
}

/** Text fields of a query string, trimmed; anything else is empty. */
function queryText(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The form as a link opens it (`GET /reports/new?category=…&lat=…&lng=…&address=…`), and the address
 * search (`q`) the page runs first when one is given.
 */
export function formFromQuery(query: unknown): { form: ReportForm; search: string } {
  const form = emptyForm();
  form.category = queryText(query, 'category');
  const lat = parseCoordinate(queryText(query, 'lat'));
  const lng = parseCoordinate(queryText(query, 'lng'));
  if (Number.isFinite(lat) && Number.isFinite(lng)) {
    form.lat = String(lat);
    form.lng = String(lng);
    form.address = queryText(query, 'address').slice(0, 300);
  }
  return { form, search: queryText(query, 'q').slice(0, 200) };
}

/** The form as sent (urlencoded or multipart, read through `NewReportForm`); answers only for the chosen category. */
function reportFormFrom(body: unknown, fields: Static<typeof NewReportForm>, questions: Question[]): ReportForm {
  const form = emptyForm();
  form.lat = fields.lat;
  form.lng = fields.lng;
  form.address = fields.address.slice(0, 300);
  form.category = fields.category;
  form.description = fields.description;
  form.showName = fields.showName === 'yes' ? 'yes' : 'no';
  form.email = fields.email;
  form.name = fields.name.slice(0, 120);
  form.pendingPhotos = /^[0-9a-f]{32}$/.test(fields.pendingPhotos) ? fields.pendingPhotos : '';
  form.answers = answersFromForm(body, form.category, questions);
  return form;
}

/** The element id a problem of the intake points at. */
function fieldIdFor(category: string, questions: Question[], problemField: string): string {
  if (problemField === 'description') return 'description';
  if (problemField === 'lat') return 'lat';
  if (problemField === 'service_code') return 'category';
  return questionFieldId(category, questions, problemField) ?? 'category';
}

/** A photo that passed the checks, ready to store. */
export interface GoodPhoto {
  type: PhotoType;
  data: Buffer;
}

/** A posted report form, read and checked. */
export interface PostedReport {
  form: ReportForm;
  /** The chosen category's questions. */
  questions: Question[];
  submission: ReportSubmission;
  /** Every problem, by the id of the field it is about, in the reader's language; empty when the form is valid. */
  errors: Record<string, string>;
  /** The category, when the form is valid. */
  category: Category | undefined;
  photos: GoodPhoto[];
  /** Whether the resident already saw the similar reports and chose to send a new one. */
  confirmedNew: boolean;
}

/**
 * Reads a posted report form (urlencoded or multipart with photos) and checks all of it at once: the
 * intake's own checks (description, place, category, answers), the e-mail of a resident who is not
 * signed in, and the photos (type, size, how many with those kept from an earlier try).
 */
export async function readPostedReport(
  ctx: AppContext,
  request: FastifyRequest,
  choices: ReportFormChoices,
): Promise<PostedReport> {
  const { organisation, viewer, t, body } = request;
  const fields = readForm(NewReportForm, body);
  if (!fields.ok) throw invalidForm(fields.errors);
  const questions = choices.questions.get(fields.value.category) ?? [];
  const form = reportFormFrom(body, fields.value, questions);
  const uploads = readPhotos(body, 'photos');
  form.keptPhotos = form.pendingPhotos ? await countPendingPhotos(ctx.db, organisation.id, form.pendingPhotos) : 0;
  if (form.keptPhotos === 0) form.pendingPhotos = '';

  const submission: ReportSubmission = {
    categoryCode: form.category,
    lat: parseCoordinate(form.lat),
    lng: parseCoordinate(form.lng),
    description: form.description,
    address: form.address,
    answers: submissionAnswers(form.answers, questions),
    authorId: viewer?.id ?? null,
    authorName: viewer ? viewer.displayName : form.name,
    authorEmail: viewer ? undefined : form.email,
    showName: form.showName === 'yes',
    source: 'web',
  };
  const check = await checkSubmission(ctx, organisation, submission);
  const errors = problemMessages(request, form, questions, check.problems);
  if (!viewer && !isEmail(form.email)) errors.email = t('reports.error.email');
  const photoError = photoProblem(request, uploads);
  const photos = uploads.flatMap((photo) => ('ok' in photo ? [{ type: photo.type, data: photo.data }] : []));
  if (photoError) errors.photos = photoError;
  else if (photos.length + form.keptPhotos > MAX_PHOTOS) errors.photos = t('reports.error.photoCount');
  return {
    form,
    questions,
    submission,
    errors,
    category: check.category,
    photos,
    confirmedNew: fields.value.confirmNew === 'yes',
  };
}

/** The intake's problems by field id, in the reader's language (the first problem of a field wins). */
export function problemMessages(
  request: FastifyRequest,
  form: ReportForm,
  questions: Question[],
  problems: Array<{ code: string; field: string; message: string }>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of problems)
    errors[fieldIdFor(form.category, questions, problem.field)] ??= submissionProblemMessage(
      request,
      problem,
      questions,
    );
  return errors;
}

/**
 * Keeps photos that passed for the next step (an error page, or the similar reports), so the resident
 * does not pick them again: they join the form's pending photos, whose token the form then carries.
 */
export async function stagePhotos(
  ctx: AppContext,
  request: FastifyRequest,
  form: ReportForm,
  photos: GoodPhoto[],
): Promise<void> {
  form.pendingPhotos =
    (await storePendingPhotos(
      ctx.db,
      request.organisation.id,
      request.viewer?.id ?? null,
      photos,
      form.pendingPhotos || undefined,
    )) ?? '';
}
