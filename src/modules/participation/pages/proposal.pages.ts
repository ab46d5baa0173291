import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findMeetingsAbout } from '../meetings.repository.ts';
import { ANSWERS } from '../participation.schema.ts';
import { findProcess } from '../processes.repository.ts';
import { collectsSupports, findProposal, hasSupported, isFollowing, shownStatus } from '../proposals.repository.ts';
import { answerProposal } from '../use-cases/answer-proposal.ts';
import { followProposal } from '../use-cases/follow-proposal.ts';
import { takePartBlocker } from '../use-cases/shared.ts';
import { supportProposal, withdrawSupport } from '../use-cases/support-proposal.ts';
import { withdrawProposal } from '../use-cases/withdraw-proposal.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { AnswerProposalForm, FollowForm, SupportForm } from '../participation.forms.ts';
import { commentsSection, parseCommentSort } from './comments.pages.ts';
import { blockerNotice } from './components/blocker-notice.ts';
import {
  categoryLabel,
  messages,
  paragraphs,
  pathId,
  plain,
  select,
  statusLabel,
  statusTag,
  stylesheet,
  supportMeter,
  textarea,
  translated,
} from './shared.ts';

/** A proposal's page and the forms on it: support, follow, withdraw, and the staff's answer. */
export function registerProposalPage(app: App, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/proposals/:id', async (request, reply) =>
    proposalPage(request, reply, pathId(request.params.id, 'PROPOSAL_NOT_FOUND')),
  );

  app.post<{ Params: { id: string } }>('/proposals/:id/support', async (request, reply) => {
    const id = pathId(request.params.id, 'PROPOSAL_NOT_FOUND');
    const form = readForm(SupportForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const remove = form.value.support === 'no';
    const outcome = remove
      ? await withdrawSupport(ctx, request.viewer, request.organisation, id)
      : await supportProposal(ctx, request.viewer, request.organisation, id);
    if (!outcome.ok) {
      if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
      return proposalPage(
        request,
        reply,
        id,
        { support: request.t(`participation.error.${outcome.code}` as MessageKey) },
        outcome.code === 'PARTICIPATION_CLOSED' || outcome.code === 'PROPOSAL_SUPPORT_CLOSED' ? 409 : 403,
      );
    }
    setNotice(reply, remove ? 'participation.support.removed' : 'participation.support.added');
    return reply.redirect(`/proposals/${id}#support`, 303);
  });

  app.post<{ Params: { id: string } }>('/proposals/:id/follow', async (request, reply) => {
    const id = pathId(request.params.id, 'PROPOSAL_NOT_FOUND');
    const form = readForm(FollowForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const follow = form.value.follow !== 'no';
    await followProposal(ctx, request.viewer, request.organisation, id, follow);
    setNotice(reply, follow ? 'participation.follow.on' : 'participation.follow.off');
    return reply.redirect(`/proposals/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/proposals/:id/withdraw', async (request, reply) => {
    const id = pathId(request.params.id, 'PROPOSAL_NOT_FOUND');
    const outcome = await withdrawProposal(ctx, request.viewer, request.organisation, id);
    if (!outcome.ok)
      return proposalPage(
        request,
        reply,
        id,
        { withdraw: request.t('participation.error.PROPOSAL_NOT_WITHDRAWABLE') },
        409,
      );
    setNotice(reply, 'participation.proposal.withdrawn');
    return reply.redirect(`/proposals/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/proposals/:id/answer', async (request, reply) => {
    const id = pathId(request.params.id, 'PROPOSAL_NOT_FOUND');
    const form = readForm(AnswerProposalForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const outcome = await answerProposal(ctx, request.viewer, request.organisation, id, {
      answer: form.value.answer,
      text: form.value.answerText,
    });
    if (!outcome.ok) return proposalPage(request, reply, id, messages(request, outcome.fields), 400);
    setNotice(reply, 'participation.answer.saved');
    return reply.redirect(`/proposals/${id}#answer`, 303);
  });

  async function proposalPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const { t, viewer, organisation } = request;
    const proposal = await findProposal(ctx.db, organisation.id, id);
    if (!proposal || proposal.hidden) throw new AppError('PROPOSAL_NOT_FOUND');
    const process = await findProcess(ctx.db, organisation.id, proposal.processId);
    if (!process) throw new AppError('PROPOSAL_NOT_FOUND');
    const now = new Date();
    const shown = shownStatus(proposal, now);
    const district = (await findDistricts(ctx.db, organisation.id)).find((d) => d.id === proposal.districtId);
    const supported = viewer ? await hasSupported(ctx.db, proposal.id, viewer.id) : false;
    const following = viewer ? await isFollowing(ctx.db, proposal.id, viewer.id) : false;
    const collecting = collectsSupports(proposal, now);
    const blocker =
      collecting && !supported
        ? await takePartBlocker(ctx, viewer, organisation, process, 'proposals', 'support', now)
        : undefined;
    const isAuthor = viewer !== null && proposal.authorId === viewer.id;
    const missing = Math.max(0, proposal.threshold - proposal.supports);
    const staff = hasRole(viewer, 'staff');
    const comments = await commentsSection(ctx, request, {
      type: 'proposal',
      id: proposal.id,
      process,
      sort: parseCommentSort(request),
    });
    const meetings = await findMeetingsAbout(ctx.db, organisation.id, proposal.id);
    // what a signed-in resident sees is theirs (support, follow); an anonymous visitor's page is the public one
    if (viewer) reply.header('cache-control', 'private, no-store');
    return renderPage(request, reply, {
      title: proposal.title,
      description: proposal.body.slice(0, 200),
      ogType: 'article',
      status,
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a> › <a href="/proposals?process=${process.slug}">${t('participation.proposals.title')}</a></p>
<h1>${proposal.title}</h1>
<p>${statusTag(request, shown)} <span class="muted">${categoryLabel(request, proposal.category)}${district ? html` · ${plain(request, district.name)}` : ''} · ${t('participation.proposal.by', { name: proposal.authorName ?? t('participation.anonymous'), date: formatDate(request, proposal.createdAt) })}</span></p>
${errorSummary(request, errors)}
${paragraphs(request, proposal.body)}
${proposal.lat !== null && proposal.lng !== null ? html`<p>${t('participation.proposal.placed')}: ${proposal.lat.toFixed(5)}, ${proposal.lng.toFixed(5)} · <a href="/proposals?process=${process.slug}&amp;view=map">${t('participation.proposals.map')}</a></p>` : ''}
<section id="support" aria-labelledby="support-title"><h2 id="support-title">${t('participation.supports.title')}</h2>
${supportMeter(request, proposal)}
${collecting ? html`<p>${t('participation.supports.until', { date: formatDate(request, proposal.supportDeadline) })}</p>` : ''}
${isAuthor && collecting && missing > 0 ? html`<p class="notice">${t('participation.proposal.authorDistance', { count: missing, date: formatDate(request, proposal.supportDeadline) })}</p>` : ''}
${shown === 'threshold_reached' && proposal.answerDueAt ? html`<p>${t('participation.proposal.answerDue', { date: formatDate(request, proposal.answerDueAt) })}</p>` : ''}
${
  supported
    ? html`<p><span class="tag">${t('participation.support.youSupport')}</span></p>${collecting ? html`<form method="post" action="/proposals/${proposal.id}/support" class="inline-form">${csrfField(request)}<input type="hidden" name="support" value="no"><button type="submit" class="button button--secondary">${t('participation.support.remove')}</button></form>` : ''}`
    : collecting && blocker === undefined
      ? html`<form method="post" action="/proposals/${proposal.id}/support" class="inline-form">${csrfField(request)}<input type="hidden" name="support" value="yes"><button type="submit" class="button">${t('participation.support.add')}</button></form>`
      : collecting && blocker !== 'PARTICIPATION_CLOSED'
        ? blockerNotice(request, blocker)
        : ''
}
</section>
${
  proposal.answeredAt && proposal.answerText
    ? html`<section id="answer" aria-labelledby="answer-title" class="proposal-answer"><h2 id="answer-title">${t('participation.answer.title')}</h2>
<p>${statusTag(request, shown)} <span class="muted">${formatDate(request, proposal.answeredAt)}</span></p>${paragraphs(request, proposal.answerText)}</section>`
    : ''
}
${meetings.length > 0 ? html`<section aria-labelledby="meetings-title"><h2 id="meetings-title">${t('participation.part.meetings')}</h2><ul>${meetings.map((m) => html`<li><a href="/meetings/${m.id}">${translated(request, m.title)}</a> — ${formatDate(request, m.startsAt, true)}</li>`)}</ul></section>` : ''}
${viewer ? html`<form method="post" action="/proposals/${proposal.id}/follow" class="inline-form">${csrfField(request)}<input type="hidden" name="follow" value="${following ? 'no' : 'yes'}"><button type="submit" class="button button--secondary">${following ? t('participation.follow.stop') : t('participation.follow.start')}</button></form>` : ''}
${isAuthor && (proposal.status === 'published' || proposal.status === 'threshold_reached') ? html`<form method="post" action="/proposals/${proposal.id}/withdraw" class="inline-form" id="withdraw">${csrfField(request)}<button type="submit" class="button button--danger">${t('participation.proposal.withdraw')}</button></form>` : ''}
${
  staff && proposal.status !== 'withdrawn'
    ? html`<details${errors.answer || errors.answerText ? html` open` : ''}><summary>${t('participation.answer.give')}</summary>
<form method="post" action="/proposals/${proposal.id}/answer" class="stack" novalidate>${csrfField(request)}
${select(
  'answer',
  t('participation.answer.decision'),
  ANSWERS.map((a): [string, string] => [a, statusLabel(request, a)]),
  proposal.status === 'accepted' || proposal.status === 'rejected' || proposal.status === 'evaluating'
    ? proposal.status
    : 'evaluating',
  errors.answer,
)}
${textarea('answerText', t('participation.answer.text'), proposal.answerText ?? '', { error: errors.answerText, rows: 6, maxlength: 5000 })}
<button type="submit" class="button">${t('participation.answer.publish')}</button></form></details>`
    : ''
}
${comments}`,
    });
  }
}
