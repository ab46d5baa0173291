import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, renderPage } from '../../../platform/web/layout.ts';
import type { ReportSubmission } from '../submit-report.use-cases.ts';

/** What a confirmation page shows. */
export type ConfirmView =
  /** The link is good: a button that confirms (a POST, so a mail scanner opening the link confirms nothing). */
  | { kind: 'ask'; token: string }
  /** The report was confirmed already (a second click): a link to it. */
  | { kind: 'used'; reportId: number | null }
  /** Unknown, malformed or expired. */
  | { kind: 'invalid' }
  /** The city changed its categories or districts since: send it again, starting from the place and category. */
  | { kind: 'outdated'; submission: ReportSubmission };

function page(request: FastifyRequest, reply: FastifyReply, title: string, body: Html, status: number): FastifyReply {
  return renderPage(request, reply, {
    title,
    status,
    noIndex: true,
    main: html`<h1>${title}</h1>
${body}`,
  });
}

/** After an anonymous report was held: the resident is told to open the mailed link. */
export function checkMailPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { t } = request;
  return page(
    request,
    reply,
    t('reports.checkMail.title'),
    html`<p role="status">${t('reports.checkMail.lead')}</p>
<p>${t('reports.checkMail.expiry')}</p>
<p>${t('reports.checkMail.none')}</p>
<p><a href="/reports">${t('reports.checkMail.back')}</a></p>`,
    200,
  );
}

/** The page a report confirmation link opens, and the answers of its button. */
export function confirmReportView(request: FastifyRequest, reply: FastifyReply, view: ConfirmView): FastifyReply {
  const { t } = request;
  switch (view.kind) {
    case 'ask':
      return page(
        request,
        reply,
        t('reports.confirm.title'),
        html`<p>${t('reports.confirm.lead')}</p>
<form method="post" action="/reports/confirm">
  ${csrfField(request)}
  <input type="hidden" name="token" value="${view.token}">
  <button type="submit" class="button">${t('reports.confirm.submit')}</button>
</form>`,
        200,
      );
    case 'used':
      return page(
        request,
        reply,
        t('reports.confirm.usedTitle'),
        html`<p>${t('reports.confirm.used')}</p>
${view.reportId === null ? '' : html`<p><a href="/reports/${view.reportId}">${t('reports.confirm.see', { id: view.reportId })}</a></p>`}`,
        400,
      );
    case 'outdated': {
      const { submission } = view;
      const again = new URLSearchParams({
        category: submission.categoryCode,
        lat: String(submission.lat),
        lng: String(submission.lng),
      });
      if (submission.address) again.set('address', submission.address);
      return page(
        request,
        reply,
        t('reports.confirm.outdatedTitle'),
        html`<p>${t('reports.confirm.outdated')}</p>
<p><a class="button" href="/reports/new?${again.toString()}#report-form">${t('reports.confirm.again')}</a></p>`,
        400,
      );
    }
    case 'invalid':
      return page(
        request,
        reply,
        t('reports.confirm.invalidTitle'),
        html`<p>${t('reports.confirm.invalid')}</p>
<p><a class="button" href="/reports/new">${t('reports.confirm.again')}</a></p>`,
        400,
      );
  }
}

/** The page a follow confirmation link opens: a button (POST), or why the link does not work. */
export function confirmFollowView(
  request: FastifyRequest,
  reply: FastifyReply,
  view: { token: string; reportId: number } | undefined,
): FastifyReply {
  const { t } = request;
  if (!view)
    return page(
      request,
      reply,
      t('reports.confirmFollow.invalidTitle'),
      html`<p>${t('reports.confirmFollow.invalid')}</p>`,
      400,
    );
  return page(
    request,
    reply,
    t('reports.confirmFollow.title'),
    html`<p>${t('reports.confirmFollow.lead', { id: view.reportId })}</p>
<form method="post" action="/reports/follow/confirm">
  ${csrfField(request)}
  <input type="hidden" name="token" value="${view.token}">
  <button type="submit" class="button">${t('reports.confirmFollow.submit')}</button>
</form>
<p><a href="/reports/${view.reportId}">${t('reports.confirm.see', { id: view.reportId })}</a></p>`,
    200,
  );
}
