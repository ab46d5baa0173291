import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { currentText } from './legal.use-cases.ts';
import { textBlock } from './legal.view.ts';

/**
 * The code of conduct in force, folded (a `<details>` that works without JavaScript), for the pages where
 * moderators decide what breaks it.
 */
export async function codeOfConduct(request: FastifyRequest, ctx: AppContext): Promise<Html> {
  const text = await currentText(ctx, request.organisation.id, 'conduct');
  return html`<details class="legal-conduct"><summary>${request.t('legal.moderation.conduct')}</summary>
${textBlock(request, text, 3)}
<p><a href="/code-of-conduct">${request.t('legal.conduct.title')}</a></p></details>`;
}
