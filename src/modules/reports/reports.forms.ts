import { Type, type Static, type TProperties } from 'typebox';
import {
  Checkbox,
  MultilineText,
  perLanguages,
  readForm,
  TrimmedText,
  type FieldError,
} from '../../platform/web/forms.ts';
import { SETTABLE_STATUSES } from './staff/staff.use-cases.ts';

/**
 * HTML form bodies and query strings of the report pages (reports.schema.ts holds the table types).
 * Ids arrive as text and are read with parseId by the pages (a value that is no id is refused by the
 * use case, which names the field); multi-line texts keep their spacing (`MultilineText`).
 */

/** `<prefix>_<lang>` text fields, trimmed, one per language. */
function trimmedTranslated(prefix: string, languages: readonly string[]): TProperties {
  return Object.fromEntries(languages.map((language) => [`${prefix}_${language}`, TrimmedText()]));
}

/**
 * A resident's update on a report, sent as multipart: text, "still there" and photos. The photo parts
 * are passed through as the multipart parser left them, for `readPhotos` to check.
 */
export const ReportUpdateForm = Type.Object({
  text: TrimmedText(),
  stillThere: TrimmedText(),
  photos: Type.Optional(Type.Unknown()),
});

/** Following new reports in a district, a category or a map area. */
export const NewReportsSubscriptionForm = Type.Object({
  district: TrimmedText(),
  category: TrimmedText(),
  bbox: TrimmedText(),
});

/** Unsubscribing with the token from an e-mail. */
export const UnsubscribeForm = Type.Object({ token: TrimmedText() });

/**
 * A new report (urlencoded, or multipart with photos, which are passed through for `readPhotos`). The
 * answers to the category's questions have names of their own: see `readAnswerField`.
 */
export const NewReportForm = Type.Object({
  lat: TrimmedText(),
  lng: TrimmedText(),
  address: TrimmedText(),
  category: TrimmedText(),
  description: TrimmedText(),
  showName: TrimmedText(),
  email: TrimmedText(),
  name: TrimmedText(),
  pendingPhotos: TrimmedText(),
  confirmNew: TrimmedText(),
  photos: Type.Optional(Type.Unknown()),
});

/** One answer field of the new-report form (a question's value, or the ticked options of a multiple choice). */
export const AnswerField = Type.Object({ values: Type.Array(TrimmedText()) });

/** The values sent in the answer field `name` (its name depends on the category and question), empty ones left out. */
export function readAnswerField(body: unknown, name: string): string[] {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const form = readForm(AnswerField, { values: fields[name] });
  return form.ok ? form.value.values.filter(Boolean) : [];
}

/** "Me too" on a report: the e-mail of a resident who is not signed in. */
export const MeTooForm = Type.Object({ email: TrimmedText() });

/** Confirming a report or a follow with the token of a mailed link (the page's button). */
export const ConfirmLinkForm = Type.Object({ token: TrimmedText() });

/** The area drawing page: the corners typed or clicked, the view, the category and the button pressed. */
export const AreaDrawForm = Type.Object({
  view: TrimmedText(),
  points: TrimmedText(),
  category: TrimmedText(),
  action: TrimmedText(),
  // a click on an image button: its pixel, on the wide map or the narrow one
  'map.x': TrimmedText(),
  'map.y': TrimmedText(),
  'mapsmall.x': TrimmedText(),
  'mapsmall.y': TrimmedText(),
});

/** A category's own fields (staff). Its questions come as rows `q<n>_…`: see `readCategoryForm`. */
export const CategoryForm = perLanguages((languages) =>
  Type.Object({
    code: TrimmedText(),
    ...trimmedTranslated('name', languages),
    ...trimmedTranslated('group', languages),
    ...trimmedTranslated('description', languages),
    keywords: TrimmedText(),
    deadlineDays: TrimmedText(),
    defaultDepartmentId: TrimmedText(),
    active: Checkbox(),
    sort: TrimmedText(),
  }),
);

/** One question row of the category form, its fields named without the row's `q<n>_` prefix. */
export const CategoryQuestionForm = perLanguages((languages) =>
  Type.Object({
    id: TrimmedText(),
    code: TrimmedText(),
    datatype: TrimmedText(),
    required: Checkbox(),
    ...trimmedTranslated('label', languages),
    options: MultilineText(),
    remove: Checkbox(),
  }),
);

/** The most question rows a category form has. */
export const MAX_QUESTION_ROWS = 100;

/**
 * The category form: its own fields through `CategoryForm`, and each question row sent (`q0_…` to
 * `q99_…`, a row being sent when one of its fields is) through `CategoryQuestionForm`.
 */
export function readCategoryForm(
  body: unknown,
  languages: readonly string[],
):
  | {
      ok: true;
      category: Static<ReturnType<typeof CategoryForm>>;
      questions: Static<ReturnType<typeof CategoryQuestionForm>>[];
    }
  | { ok: false; errors: FieldError[] } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const category = readForm(CategoryForm(languages), fields);
  if (!category.ok) return { ok: false, errors: category.errors };
  const questions: Static<ReturnType<typeof CategoryQuestionForm>>[] = [];
  for (let index = 0; index < MAX_QUESTION_ROWS; index++) {
    const prefix = `q${index}_`;
    const row = Object.fromEntries(
      Object.entries(fields)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    if (Object.keys(row).length === 0) continue;
    const question = readForm(CategoryQuestionForm(languages), row);
    if (!question.ok)
      return { ok: false, errors: question.errors.map((e) => ({ ...e, field: `${prefix}${e.field}` })) };
    questions.push(question.value);
  }
  return { ok: true, category: category.value, questions };
}

/** A routing rule (staff): a category, a district (empty: every district) and the department. */
export const RoutingForm = Type.Object({
  categoryId: TrimmedText(),
  districtId: TrimmedText(),
  departmentId: TrimmedText(),
});

/**
 * The answer templates (staff): one text per settable status and language, named
 * `template-<status>-<language>`. Only the fields sent are saved (an absent one is left alone).
 */
export const AnswerTemplatesForm = perLanguages((languages) =>
  Type.Object(
    Object.fromEntries(
      SETTABLE_STATUSES.flatMap((status) =>
        languages.map((language) => [`template-${status}-${language}`, MultilineText()]),
      ),
    ),
  ),
);

/** The queue's filters in its address. Unknown values fall back to the defaults (`parseQueueQuery`). */
export const QueueQueryForm = Type.Object({
  department: TrimmedText(),
  status: TrimmedText(),
  category: TrimmedText(),
  district: TrimmedText(),
  overdue: TrimmedText(),
  q: TrimmedText(),
  sort: TrimmedText(),
  page: TrimmedText(),
});

/** The outcome of a bulk action in the queue's address: how many were done, the ids that failed. */
export const BulkResultQuery = Type.Object({ done: TrimmedText(), failed: TrimmedText() });

/** A bulk action on the ticked reports of the queue: a status (with its answer) or a new department. */
export const BulkForm = Type.Object({
  ids: Type.Array(TrimmedText()),
  action: TrimmedText(),
  status: TrimmedText(),
  publicText: MultilineText(),
  referTo: TrimmedText(),
  departmentId: TrimmedText(),
  reason: MultilineText(),
  /** The queue's query string to go back to. */
  return: TrimmedText(),
});

/** The status asked for in a staff report's address (`?status=fixed`), to start the status form from its template. */
export const StatusQuery = Type.Object({ status: TrimmedText() });

/** A staff report's new status, its answer to the resident and an internal note. */
export const ReportStatusForm = Type.Object({
  status: TrimmedText(),
  publicText: MultilineText(),
  internalNote: MultilineText(),
  referTo: TrimmedText(),
});

/** Sending a report to another department (and category). */
export const RerouteForm = Type.Object({
  departmentId: TrimmedText(),
  categoryId: TrimmedText(),
  reason: MultilineText(),
});

/** Merging a report into another: an id typed, or one chosen among the nearby reports. */
export const MergeForm = Type.Object({ keepId: TrimmedText(), keepChoice: TrimmedText() });

/** Hiding or showing a report or one of its photos, with a reason. */
export const VisibilityForm = Type.Object({ hidden: Checkbox(), reason: TrimmedText() });
