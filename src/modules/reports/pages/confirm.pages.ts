import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import {
  confirmFollow,
  confirmPendingReport,
  followLinkState,
  pendingReportState,
} from '../confirm-report.use-cases.ts';
import { ConfirmLinkForm } from '../reports.forms.ts';
import { checkMailPage, confirmFollowView, confirmReportView } from './confirm.view.ts';

/** The token of a confirmation link's query string ('' when absent). */
function queryToken(request: FastifyRequest): string {
  const token = (request.query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token.trim() : '';
}

function postedToken(request: FastifyRequest): string {
  const form = readForm(ConfirmLinkForm, request.body);
  if (!form.ok) throw invalidForm(form.errors);
  return form.value.token;
}

/**
 * Confirming by e-mail what residents who are not signed in send: the "check your mailbox" page, and the
 * pages the mailed links open. Opening a link (GET) changes nothing — mail scanners open links — its page
 * has the button that confirms (POST, with the CSRF token).
 */
export function registerConfirmPages(app: App, ctx: AppContext): void {
  app.get('/reports/check-mail', { schema: { hide: true } }, async (request, reply) => checkMailPage(request, reply));

  app.get('/reports/confirm', { schema: { hide: true } }, async (request, reply) => {
    const token = queryToken(request);
    const found = await pendingReportState(ctx, request.organisation, token);
    if (found.state === 'open') return confirmReportView(request, reply, { kind: 'ask', token });
    if (found.state === 'used') return confirmReportView(request, reply, { kind: 'used', reportId: found.reportId });
    return confirmReportView(request, reply, { kind: 'invalid' });
  });

  app.post('/reports/confirm', { schema: { hide: true } }, async (request, reply) => {
    const outcome = await confirmPendingReport(ctx, request.organisation, postedToken(request));
    if (outcome.ok) {
      setNotice(reply, 'reports.notice.confirmed');
      return reply.redirect(`/reports/${outcome.id}`, 303);
    }
    switch (outcome.code) {
      case 'ALREADY_CONFIRMED':
        return confirmReportView(request, reply, { kind: 'used', reportId: outcome.reportId });
      case 'REPORT_INVALID':
        return confirmReportView(request, reply, { kind: 'outdated', submission: outcome.submission });
      case 'TOKEN_INVALID':
        return confirmReportView(request, reply, { kind: 'invalid' });
    }
  });

  app.get('/reports/follow/confirm', { schema: { hide: true } }, async (request, reply) => {
    const token = queryToken(request);
    const follow = await followLinkState(ctx, request.organisation, token);
    return confirmFollowView(request, reply, follow ? { token, reportId: follow.reportId } : undefined);
  });

  app.post('/reports/follow/confirm', { schema: { hide: true } }, async (request, reply) => {
    const outcome = await confirmFollow(ctx, request.organisation, postedToken(request));
    if (!outcome.ok) return confirmFollowView(request, reply, undefined);
    setNotice(reply, 'reports.notice.meToo');
    return reply.redirect(`/reports/${outcome.reportId}`, 303);
  });
}
