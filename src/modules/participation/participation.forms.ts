import { Type, type Static } from 'typebox';
import {
  Checkbox,
  FormText,
  parseId,
  perLanguages,
  readForm,
  translatedFields,
  TrimmedText,
  type FormOutcome,
} from '../../platform/web/forms.ts';
import { PARTS } from './participation.schema.ts';

/**
 * The participation pages' HTML form bodies (participation.schema.ts holds the table types). What each
 * field must hold is checked by the use cases, which name the field.
 */

/** A new debate. */
export const DebateForm = Type.Object({ title: FormText(), body: FormText() });

/** Support a proposal, or withdraw one's support (`no`). */
export const SupportForm = Type.Object({ support: FormText() });

/** Follow a proposal, or stop (`no`). */
export const FollowForm = Type.Object({ follow: FormText() });

/** Staff's answer to a proposal. */
export const AnswerProposalForm = Type.Object({ answer: FormText(), answerText: FormText() });

/**
 * A new proposal. The district is read with parseId (a value that is no id is an unknown district);
 * coordinates that are not numbers reach the use case as NaN; `planZone` is a place picked on the plan.
 */
export const ProposalForm = Type.Object({
  title: FormText(),
  body: FormText(),
  category: FormText(),
  districtId: FormText(),
  lat: Type.Optional(Type.Number()),
  lng: Type.Optional(Type.Number()),
  planZone: FormText(),
});

/** A vote on a comment: `up`, `down` or `0`. */
export const CommentVoteForm = Type.Object({ value: FormText() });

/** Flagging a comment. */
export const FlagCommentForm = Type.Object({ reason: FormText() });

/** Hiding (`yes`) or showing a comment, why, and where to go back to (`queue`). */
export const ModerateCommentForm = Type.Object({ hide: FormText(), reason: FormText(), back: FormText() });

/**
 * A comment or a reply. The subject and parent ids are read with parseId by the page; a reply's text
 * comes in `reply-<parentId>` (the reply form under each comment) when `body` is empty: see `readCommentForm`.
 */
export const CommentForm = Type.Object({
  subjectType: FormText(),
  subjectId: FormText(),
  parentId: FormText(),
  body: FormText(),
  stance: FormText(),
});

/** The text of the reply form under a comment, sent as `reply-<parentId>`. */
export const CommentReplyForm = Type.Object({ reply: FormText() });

/**
 * A posted comment: `CommentForm`, with `body` taken from the `reply-<parentId>` field (read through
 * `CommentReplyForm`) when the form had no `body` and names a parent.
 */
export function readCommentForm(body: unknown): FormOutcome<Static<typeof CommentForm>> {
  const form = readForm(CommentForm, body);
  const parentId = form.ok ? parseId(form.value.parentId) : undefined;
  if (!form.ok || form.value.body !== '' || parentId === undefined) return form;
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const reply = readForm(CommentReplyForm, { reply: fields[`reply-${parentId}`] });
  return reply.ok ? { ok: true, value: { ...form.value, body: reply.value.reply } } : form;
}

/**
 * A participatory process's settings (staff). Districts are read with parseId by the page (a value
 * that is no id is refused by the use case); numbers that are not whole numbers reach the use case as
 * NaN (`withNumbersAsNaN`), an absent age limit as none.
 */
export const ProcessForm = perLanguages((languages) =>
  Type.Object({
    slug: TrimmedText(),
    ...translatedFields('title', languages),
    ...translatedFields('description', languages),
    districtIds: Type.Array(FormText()),
    eligibilityLevel: FormText(),
    minAge: Type.Optional(Type.Integer()),
    maxAge: Type.Optional(Type.Integer()),
    residentsOnly: Checkbox(),
    supportThreshold: Type.Optional(Type.Integer()),
    supportDays: Type.Optional(Type.Integer()),
    answerDays: Type.Optional(Type.Integer()),
  }),
);

/** A phase of a process (staff): its days (`YYYY-MM-DD`, checked by the page) and, per part, whether it is open and its actions. */
export const PhaseForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('phaseTitle', languages),
    startsOn: TrimmedText(),
    endsOn: TrimmedText(),
    ...Object.fromEntries(
      PARTS.flatMap((part) => [
        [`open_${part}`, Checkbox()],
        [`actions_${part}`, Type.Array(FormText())],
      ]),
    ),
  }),
);

/** A process's plan (GeoJSON), uploaded as a file part and read as UTF-8 text. */
export const PlanForm = Type.Object({ planFile: FormText() });

/**
 * A meeting (staff). Coordinates and the capacity that are not numbers reach the use case as NaN
 * (`withNumbersAsNaN`); absent coordinates are none. `proposalIds` is a list of ids separated by
 * spaces, commas or semicolons, each read with parseId by the page.
 */
export const MeetingForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('title', languages),
    ...translatedFields('description', languages),
    startsOn: FormText(),
    startTime: FormText(),
    endTime: FormText(),
    address: FormText(),
    lat: Type.Optional(Type.Number()),
    lng: Type.Optional(Type.Number()),
    onlineUrl: FormText(),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999 })),
    proposalIds: FormText(),
  }),
);

/** Registering for a meeting, or cancelling (`no`). */
export const MeetingRegistrationForm = Type.Object({ register: FormText() });

/** A meeting's minutes (staff), one text per language. */
export const MinutesForm = perLanguages((languages) => Type.Object({ ...translatedFields('minutes', languages) }));
