import { Type } from 'typebox';
import { FormText } from '../../platform/web/forms.ts';

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
