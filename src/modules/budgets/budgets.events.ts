import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';

/** A participatory budget's ballot results published (or published again): the projects funded. */
export const BudgetResultsPublished = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  republished: Type.Boolean(),
  fundedProjectIds: Type.Array(Type.Integer()),
});

export const budgetEvents: EventDeclaration[] = [
  { type: 'budget.results_published', version: 1, data: BudgetResultsPublished },
];

export function resultsPublished(budget: { id: number; resultsPublishedAt: Date | null }, funded: number[]) {
  return {
    id: budget.id,
    path: `/budgets/${budget.id}/results`,
    republished: budget.resultsPublishedAt !== null,
    fundedProjectIds: funded,
  };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'budget.results_published': Static<typeof BudgetResultsPublished>;
  }
}
