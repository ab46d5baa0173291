import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { SubjectRef } from '../module.ts';
import { html, type Html } from './html.ts';

/**
 * The blocks other modules add under a page about `subject` (a report, a budget project…), in their
 * order: a page shows, say, the comments on a report without its module importing participation.
 * Empty when no module has anything for this subject type.
 */
export async function renderSubjectSections(
  request: FastifyRequest,
  ctx: AppContext,
  subject: SubjectRef,
): Promise<Html> {
  const sections = await Promise.all(
    ctx.registry.subjectSections.map((section) => section.render(request, ctx, subject)),
  );
  return html`${sections}`;
}
