import { Type } from 'typebox';
import {
  Checkbox,
  ChosenId,
  FormText,
  IdList,
  perLanguages,
  readForm,
  translatedFields,
  TrimmedText,
} from '../../platform/web/forms.ts';
import { PHASES } from './budgets.schema.ts';

/**
 * The budget pages' HTML form bodies (budgets.schema.ts holds the table types). Numbers are checked by
 * the use cases, which name the field: a number field that is not a number reaches them as NaN
 * (`withNumbersAsNaN`); choices among fixed values are checked there too. An id chosen in a select is a
 * `ChosenId` (anything else is refused as a form no page sends); amounts and costs are `bigint` columns.
 */

/** A budget's settings (staff). `minShare` is a percentage. */
export const BudgetForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('title', languages),
    ...translatedFields('description', languages),
    processId: Type.Optional(ChosenId()),
    votingRule: FormText(),
    maxProjects: Type.Optional(Type.Integer()),
    maxVotes: Type.Optional(Type.Integer()),
    maxVotesPerProject: Type.Optional(Type.Integer()),
    minShare: Type.Optional(Type.Number()),
    resultsMethod: FormText(),
    eligibilityLevel: FormText(),
    minAge: Type.Optional(Type.Integer()),
    maxAge: Type.Optional(Type.Integer()),
    districtResidentsOnly: Checkbox(),
    phaseOverride: FormText(),
    maxSupportsPerHeading: Type.Optional(Type.Integer()),
  }),
);

/** The start and end day of each phase (`<phase>_start`, `<phase>_end`). */
export const PhasesForm = Type.Object(
  Object.fromEntries(PHASES.flatMap((kind) => [`${kind}_start`, `${kind}_end`].map((name) => [name, TrimmedText()]))),
);

/** Publishing the results; `confirm` is the fingerprint of the count shown when publishing again. */
export const PublishForm = Type.Object({ confirm: FormText({ maxLength: 64 }) });

/** A heading: its name, its district (or none) and its amount. */
export const HeadingForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('name', languages),
    districtId: Type.Optional(ChosenId()),
    amount: Type.Optional(Type.Integer({ maximum: Number.MAX_SAFE_INTEGER })),
  }),
);

/** A project as staff enter it. */
export const ProjectForm = perLanguages((languages) =>
  Type.Object({
    headingId: Type.Optional(ChosenId()),
    ...translatedFields('title', languages),
    ...translatedFields('description', languages),
    cost: Type.Optional(Type.Integer({ maximum: Number.MAX_SAFE_INTEGER })),
    feasibility: FormText(),
    ...translatedFields('explanation', languages),
    status: FormText(),
  }),
);

export const FollowUpForm = Type.Object({ followUpStatus: FormText(), progress: Type.Optional(Type.Integer()) });

export const MilestoneForm = perLanguages((languages) =>
  Type.Object({
    ...translatedFields('milestone', languages),
    happenedOn: FormText(),
    milestoneProgress: Type.Optional(Type.Integer()),
  }),
);

/** The projects staff pre-select; anything that is not an id is ignored, as the page never sends one. */
export const PreselectionForm = Type.Object({ selected: Type.Array(Type.String()) });

/**
 * A resident's project. The heading is read with parseId (anything else is no heading); the cost is text (residents write "12.500" or "12 500": the page drops the
 * separators); coordinates may have a decimal comma.
 */
export const ResidentProjectForm = Type.Object({
  headingId: FormText(),
  title: FormText(),
  description: FormText(),
  cost: TrimmedText(),
  lat: Type.Optional(Type.Number()),
  lng: Type.Optional(Type.Number()),
  showAuthor: Checkbox(),
});

/** A ballot of ticked projects (`projects`), for the budgets where each chosen project gets one vote. */
export const BallotProjectsForm = Type.Object({ projects: IdList() });

/** One `votes_<id>` field of a distributed ballot: up to five digits, empty for none. */
export const BallotVoteField = Type.Object({ votes: Type.String({ default: '', trim: true, pattern: '^\\d{0,5}$' }) });

/**
 * The votes of a distributed ballot, one `votes_<projectId>` number field per project on the ballot
 * (the project ids are the heading's, so the form's field names are only known from the body): each
 * such field read through `BallotVoteField`, an empty one as 0. Undefined when one is not a whole
 * number of at most five digits (a form the page does not send).
 */
export function readBallotVotes(body: unknown): Record<string, number> | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const votes: Record<string, number> = {};
  for (const [key, value] of Object.entries(fields)) {
    const match = /^votes_(\d{1,9})$/.exec(key);
    if (!match) continue;
    const form = readForm(BallotVoteField, { votes: value });
    if (!form.ok) return undefined;
    votes[match[1] as string] = Number(form.value.votes || '0');
  }
  return votes;
}
