import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { recordEvent } from '../../../platform/events.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { AppError } from '../../../platform/errors.ts';
import { isLanguage } from '../../../platform/i18n/languages.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { proposalAnswered } from '../participation.events.ts';
import { proposalAnsweredMail } from '../participation.mails.ts';
import { authorizeParticipation } from '../participation.policy.ts';
import { ANSWERS, type Answer } from '../participation.schema.ts';
import { findFollowerEmails, findProposal, storeAnswer } from '../proposals.repository.ts';
import { actor, type FieldErrors, type Outcome } from './shared.ts';

/**
 * Staff answer a proposal — accepted, rejected or under evaluation — with a public text; a proposal
 * past its threshold is waiting for exactly this. The answer is audited and mailed to the followers.
 * An evaluation may later be followed by the final answer.
 */
export async function answerProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  proposalId: number,
  input: { answer: string; text: string },
  now = new Date(),
): Promise<Outcome<object>> {
  authorizeParticipation(viewer, 'answer-proposals');
  const proposal = await findProposal(ctx.db, organisation.id, proposalId);
  if (!proposal) throw new AppError('PROPOSAL_NOT_FOUND');
  const errors: FieldErrors = {};
  if (!(ANSWERS as readonly string[]).includes(input.answer)) errors.answer = 'answer';
  const text = input.text.trim();
  if (text.length < 2) errors.answerText = 'answerText';
  else if (text.length > 5000) errors.answerText = 'tooLong';
  if (proposal.status === 'withdrawn') errors.answer = 'withdrawn';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const answer = input.answer as Answer;
  const link = absoluteUrl(ctx.config, organisation, `/proposals/${proposal.id}`);
  await ctx.db.transaction().execute(async (tx) => {
    await storeAnswer(tx, proposal.id, answer, text, viewer.id, now);
    await recordEvent(tx, organisation.id, 'proposal.answered', proposalAnswered(proposal, answer));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'participation.proposal.answer',
      subjectType: 'participation_proposal',
      subjectId: proposal.id,
      before: { status: proposal.status, answer: proposal.answerText },
      after: { status: answer, answer: text },
    });
    for (const follower of await findFollowerEmails(tx, proposal.id)) {
      const language =
        follower.language && isLanguage(follower.language)
          ? follower.language
          : isLanguage(organisation.defaultLanguage)
            ? organisation.defaultLanguage
            : 'en';
      await ctx.mail.send(
        {
          organisationId: organisation.id,
          to: follower.email,
          ...proposalAnsweredMail(organisation, language, { title: proposal.title, answer, text, link }),
        },
        tx,
      );
    }
  });
  return { ok: true };
}
