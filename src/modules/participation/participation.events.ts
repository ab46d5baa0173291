import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';
import type { Answer } from './participation.schema.ts';

/** Staff answered a proposal: which one, in which process, and the answer (accepted, rejected, evaluating). */
export const ProposalAnswered = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  processId: Type.Integer(),
  answer: Type.String(),
});

export const participationEvents: EventDeclaration[] = [
  { type: 'proposal.answered', version: 1, data: ProposalAnswered },
];

export function proposalAnswered(proposal: { id: number; processId: number }, answer: Answer) {
  return { id: proposal.id, path: `/proposals/${proposal.id}`, processId: proposal.processId, answer };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'proposal.answered': Static<typeof ProposalAnswered>;
  }
}
