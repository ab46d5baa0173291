import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { mayAdminister } from '../administration.policy.ts';
import { cityFirstSteps } from '../installation.use-cases.ts';
import { renderAdminPage } from './admin-page.ts';

/**
 * The first-run checklist of a city (administrators): each module's step, done or not according to the city's
 * data, with a link to where it is done.
 */
export function registerFirstStepsPages(app: App, ctx: AppContext): void {
  app.get('/admin/first-steps', { schema: { hide: true } }, async (request, reply) => {
    const steps = await cityFirstSteps(ctx, request.viewer, request.organisation);
    const { t } = request;
    const done = steps.filter((one) => one.done).length;
    return renderAdminPage(request, reply, {
      title: t('admin.firstSteps.title'),
      main: html`<h1>${t('admin.firstSteps.title')}</h1>
<p>${t('admin.firstSteps.intro')}</p>
<p class="notice${done < steps.length ? ' notice--warning' : ''}">${done === steps.length ? t('admin.firstSteps.allDone') : t('admin.firstSteps.progress', { done: String(done), total: String(steps.length) })}</p>
<ol class="stack first-steps">
  ${steps.map(
    ({ step, done: isDone }) => html`<li id="step-${step.key}" data-done="${isDone ? 'yes' : 'no'}">
    <h2>${t(step.label)}</h2>
    <p><strong>${isDone ? t('admin.firstSteps.done') : t('admin.firstSteps.todo')}</strong></p>
    <p>${t(step.hint)}</p>
    <p><a href="${step.href}">${t('admin.firstSteps.go')}<span class="visually-hidden">: ${t(step.label)}</span></a></p>
  </li>`,
  )}
</ol>`,
    });
  });
}

/**
 * The notice on the administration's front page while the city's checklist is incomplete (administrators
 * only); nothing once every step is done.
 */
export async function firstStepsNotice(ctx: AppContext, request: FastifyRequest): Promise<Html> {
  if (!mayAdminister(request.viewer, 'manage-city')) return html``;
  const steps = await cityFirstSteps(ctx, request.viewer, request.organisation);
  const done = steps.filter((one) => one.done).length;
  if (done === steps.length) return html``;
  return html`<p class="notice notice--warning"><a href="/admin/first-steps">${request.t('admin.firstSteps.pending', { done: String(done), total: String(steps.length) })}</a></p>`;
}
