import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import type { SubjectSection } from '../../../platform/module.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import {
  findComment,
  findComments,
  findVotesAmong,
  type Comment,
  type CommentSort,
} from '../conversation.repository.ts';
import type { Stance, SubjectType } from '../participation.schema.ts';
import type { Process } from '../processes.repository.ts';
import {
  isSubjectType,
  loadSubject,
  processSubject,
  SUBJECT_NOT_FOUND,
  type CommentSubject,
} from '../use-cases/comment-subjects.ts';
import {
  FLAG_REASONS,
  flagComment,
  moderateComment,
  postComment,
  voteComment,
  type CommentInput,
} from '../use-cases/comments.ts';
import { blockerNotice } from './components/blocker-notice.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { CommentVoteForm, FlagCommentForm, ModerateCommentForm, readCommentForm } from '../participation.forms.ts';
import { messages, number, pathId, queryText, stylesheet, textarea } from './shared.ts';

export function parseCommentSort(request: FastifyRequest): CommentSort {
  return queryText(request, 'comments') === 'newest' ? 'newest' : 'best';
}

/** The subject of a thread as a page names it; a proposal's or debate's page passes its process along. */
export interface ThreadSubject {
  type: SubjectType;
  id: number;
  sort: CommentSort;
  process?: Process;
}

interface Context {
  request: FastifyRequest;
  subject: ThreadSubject;
  canComment: boolean;
  votes: Map<number, number>;
  moderator: boolean;
}

function commentItem(c: Context, comment: Comment, replies: Comment[]): Html {
  const { request } = c;
  const { t, viewer } = request;
  const anchor = `comment-${comment.id}`;
  const vote = c.votes.get(comment.id) ?? 0;
  const voteButton = (value: 1 | -1, label: string, count: number) =>
    html`<form method="post" action="/comments/${comment.id}/vote">${csrfField(request)}<input type="hidden" name="value" value="${vote === value ? '0' : value === 1 ? 'up' : 'down'}"><button type="submit" class="link-button" aria-pressed="${vote === value ? 'true' : 'false'}">${label} <span class="visually-hidden">(${t('participation.comment.votesOf', { number: comment.id })})</span>(${number(request, count)})</button></form>`;
  return html`<li class="comment${comment.stance ? ` comment--${comment.stance}` : ''}" id="${anchor}">
<p class="comment__meta"><strong>${comment.authorName ?? t('participation.anonymous')}</strong> · <time datetime="${comment.createdAt.toISOString()}">${formatDate(request, comment.createdAt, true)}</time>${comment.stance ? html` · <span class="tag">${t(`participation.stance.${comment.stance}` as MessageKey)}</span>` : ''}</p>
${comment.hidden ? html`<p class="comment__hidden">${t('participation.comment.hidden')}</p>` : html`<p class="comment__body">${comment.body}</p>`}
${
  comment.hidden
    ? ''
    : html`<div class="comment-actions">
<span>${t('participation.comment.score', { score: comment.ups - comment.downs })}</span>
${viewer ? html`${voteButton(1, t('participation.comment.up'), comment.ups)}${voteButton(-1, t('participation.comment.down'), comment.downs)}` : ''}
${viewer ? html`<details><summary>${t('participation.comment.flag')}</summary><form method="post" action="/comments/${comment.id}/flag">${csrfField(request)}<label for="flag-${comment.id}">${t('participation.comment.flagReason')}</label> <select id="flag-${comment.id}" name="reason">${FLAG_REASONS.map((r) => html`<option value="${r}">${t(`participation.flag.${r}` as MessageKey)}</option>`)}</select> <button type="submit" class="button button--small button--secondary">${t('participation.comment.flagSend')}</button></form></details>` : ''}
${
  c.canComment && comment.parentId === null
    ? html`<details><summary>${t('participation.comment.reply')}</summary><form method="post" action="/comments" class="stack">${csrfField(request)}
<input type="hidden" name="subjectType" value="${c.subject.type}"><input type="hidden" name="subjectId" value="${c.subject.id}"><input type="hidden" name="parentId" value="${comment.id}">
${textarea(`reply-${comment.id}`, t('participation.comment.replyField'), '', { rows: 3, maxlength: 5000 })}
<button type="submit" class="button button--small">${t('participation.comment.send')}</button></form></details>`
    : ''
}
</div>`
}
${c.moderator ? moderationForm(request, comment) : ''}
${replies.length > 0 ? html`<ol class="comment-replies">${replies.map((reply) => commentItem(c, reply, []))}</ol>` : ''}
</li>`;
}

/** A moderator's form on a comment: hide it with a reason, or show it again. */
export function moderationForm(request: FastifyRequest, comment: Comment, back = ''): Html {
  const { t } = request;
  const backField = back ? html`<input type="hidden" name="back" value="${back}">` : '';
  if (comment.hidden) {
    return html`<form method="post" action="/comments/${comment.id}/moderate" class="inline-form">${csrfField(request)}${backField}<input type="hidden" name="hide" value="no"><span class="muted">${t('participation.moderation.hiddenBecause', { reason: comment.hiddenReason ?? '' })}</span> <button type="submit" class="button button--small button--secondary">${t('participation.moderation.show')}</button></form>`;
  }
  return html`<details><summary>${t('participation.moderation.hide')}${comment.flags > 0 ? html` (${t('participation.moderation.flags', { count: comment.flags })})` : ''}</summary><form method="post" action="/comments/${comment.id}/moderate" class="stack">${csrfField(request)}${backField}<input type="hidden" name="hide" value="yes">
<label for="hide-reason-${comment.id}">${t('participation.moderation.reason')}</label><input type="text" id="hide-reason-${comment.id}" name="reason" required maxlength="500">
<button type="submit" class="button button--small button--danger">${t('participation.moderation.hide')}</button></form></details>`;
}

/**
 * The comments of a proposal, debate, report or budget project: sort links (best, newest), the form to
 * comment (or why one cannot), and the threads. On a debate, arguments for and against stand in two
 * columns above the other comments.
 */
export async function commentsSection(ctx: AppContext, request: FastifyRequest, subject: ThreadSubject): Promise<Html> {
  const { t, viewer, organisation } = request;
  const loaded: CommentSubject =
    subject.process && (subject.type === 'proposal' || subject.type === 'debate')
      ? processSubject(ctx, organisation, subject.type, subject.id, subject.process)
      : await loadSubject(ctx, organisation, subject.type, subject.id);
  const comments = await findComments(ctx.db, organisation.id, subject.type, subject.id, subject.sort);
  const blocker = await loaded.blocker(viewer);
  const c: Context = {
    request,
    subject,
    canComment: blocker === undefined,
    votes: viewer
      ? await findVotesAmong(
          ctx.db,
          viewer.id,
          comments.map((comment) => comment.id),
        )
      : new Map<number, number>(),
    moderator: hasRole(viewer, 'moderator'),
  };
  const repliesOf = new Map<number, Comment[]>();
  for (const comment of [...comments].sort((a, b) => a.id - b.id)) {
    if (comment.parentId !== null)
      repliesOf.set(comment.parentId, [...(repliesOf.get(comment.parentId) ?? []), comment]);
  }
  const top = comments.filter((comment) => comment.parentId === null);
  const list = (items: Comment[]) =>
    items.length === 0
      ? html`<p class="muted">${t('participation.comments.none')}</p>`
      : html`<ol class="comment-list">${items.map((comment) => commentItem(c, comment, repliesOf.get(comment.id) ?? []))}</ol>`;
  const sortLink = (sort: CommentSort) =>
    html`<a href="${loaded.href}?comments=${sort}#comments"${subject.sort === sort ? raw(' aria-current="true"') : ''}>${t(`participation.comments.sort.${sort}` as MessageKey)}</a>`;
  const debate = subject.type === 'debate';
  const visible = comments.filter((comment) => !comment.hidden).length;
  // pages of other modules do not load participation's stylesheet themselves
  const foreign = subject.type === 'report' || subject.type === 'budget_project';
  return html`${foreign ? stylesheet() : ''}<section id="comments" aria-labelledby="comments-title">
<h2 id="comments-title">${t('participation.comments.title', { count: visible })}</h2>
${subject.type === 'report' ? html`<p>${t('participation.comments.reportLead')}</p>` : ''}
<p>${t('participation.comments.sortBy')} ${sortLink('best')} · ${sortLink('newest')}</p>
${
  c.canComment
    ? html`<form method="post" action="/comments" class="stack" id="comment-form">${csrfField(request)}
<input type="hidden" name="subjectType" value="${subject.type}"><input type="hidden" name="subjectId" value="${subject.id}">
${
  debate
    ? html`<fieldset><legend>${t('participation.stance.legend')}</legend>
${(['for', 'against', ''] as const).map((stance) => html`<div class="checkbox"><input type="radio" id="stance-${stance || 'none'}" name="stance" value="${stance}"${stance === '' ? raw(' checked') : ''}><label for="stance-${stance || 'none'}">${t(`participation.stance.${stance || 'none'}` as MessageKey)}</label></div>`)}
</fieldset>`
    : ''
}
${textarea('body', debate ? t('participation.comment.argumentField') : t('participation.comment.field'), '', { rows: 4, maxlength: 5000 })}
<button type="submit" class="button">${t('participation.comment.send')}</button></form>`
    : blocker !== 'PARTICIPATION_CLOSED'
      ? blockerNotice(request, blocker)
      : html`<p class="muted">${t('participation.comments.closed')}</p>`
}
${
  debate
    ? html`<div class="arguments"><section aria-labelledby="arguments-for"><h3 id="arguments-for">${t('participation.arguments.for')}</h3>${list(top.filter((x) => x.stance === 'for'))}</section>
<section aria-labelledby="arguments-against"><h3 id="arguments-against">${t('participation.arguments.against')}</h3>${list(top.filter((x) => x.stance === 'against'))}</section></div>
<h3>${t('participation.arguments.other')}</h3>${list(top.filter((x) => x.stance === null))}`
    : list(top)
}
</section>`;
}

/**
 * Participation's block under other modules' pages (see SubjectSection): the comment thread of a
 * report or a budget project. Proposals and debates are participation's own pages, which render
 * their thread directly. A subject that is gone or hidden shows no thread.
 */
export const commentThreadSection: SubjectSection = {
  order: 50,
  async render(request, ctx, subject) {
    if (subject.type !== 'report' && subject.type !== 'budget_project') return null;
    try {
      return await commentsSection(ctx, request, {
        type: subject.type,
        id: subject.id,
        sort: parseCommentSort(request),
      });
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    }
  },
};

function stanceOf(text: string): Stance | null {
  return text === 'for' || text === 'against' ? text : null;
}

/** The forms every comment carries: post (or reply), vote, flag, and the moderators' hide/show. */
export function registerCommentRoutes(app: App, ctx: AppContext): void {
  app.post('/comments', async (request, reply) => {
    const form = readCommentForm(request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const type = form.value.subjectType;
    if (!isSubjectType(type)) throw new AppError('COMMENT_SUBJECT_UNKNOWN');
    const subjectId = pathId(form.value.subjectId, SUBJECT_NOT_FOUND[type]);
    const parentId = form.value.parentId === '' ? null : pathId(form.value.parentId, 'COMMENT_NOT_FOUND');
    const input: CommentInput = {
      subjectType: type,
      subjectId,
      parentId,
      body: form.value.body,
      stance: stanceOf(form.value.stance),
    };
    const outcome = await postComment(ctx, request.viewer, request.organisation, input);
    if (outcome.ok) {
      setNotice(reply, 'participation.comment.posted');
      return reply.redirect(`${outcome.href}#comment-${outcome.id}`, 303);
    }
    if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
    const errors =
      outcome.code === 'COMMENT_INVALID'
        ? messages(request, outcome.fields)
        : { body: request.t(`participation.error.${outcome.code}` as MessageKey) };
    return retryPage(
      request,
      reply,
      input,
      errors,
      outcome.code === 'COMMENT_INVALID' ? 400 : outcome.code === 'PARTICIPATION_CLOSED' ? 409 : 403,
    );
  });

  app.post<{ Params: { id: string } }>('/comments/:id/vote', async (request, reply) => {
    const id = pathId(request.params.id, 'COMMENT_NOT_FOUND');
    const form = readForm(CommentVoteForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const text = form.value.value;
    const value = text === 'up' ? 1 : text === 'down' ? -1 : text === '0' ? 0 : undefined;
    if (value === undefined) throw new AppError('COMMENT_INVALID');
    const outcome = await voteComment(ctx, request.viewer, request.organisation, id, value);
    if (!outcome.ok) throw new AppError(outcome.code);
    return reply.redirect(`${outcome.href}#comment-${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/comments/:id/flag', async (request, reply) => {
    const id = pathId(request.params.id, 'COMMENT_NOT_FOUND');
    const form = readForm(FlagCommentForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { href } = await flagComment(ctx, request.viewer, request.organisation, id, form.value.reason);
    setNotice(reply, 'participation.comment.flagged');
    return reply.redirect(`${href}#comment-${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/comments/:id/moderate', async (request, reply) => {
    const id = pathId(request.params.id, 'COMMENT_NOT_FOUND');
    const form = readForm(ModerateCommentForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const hide = form.value.hide === 'yes';
    const outcome = await moderateComment(ctx, request.viewer, request.organisation, id, {
      hide,
      reason: form.value.reason,
    });
    if (!outcome.ok) throw new AppError('COMMENT_INVALID', request.t('participation.error.reason'));
    setNotice(reply, hide ? 'participation.moderation.hidden' : 'participation.moderation.shown');
    if (form.value.back === 'queue') return reply.redirect('/admin/participation/moderation', 303);
    return reply.redirect(await commentAddress(request, id), 303);
  });

  // Where a comment is read: its subject's page at the comment (links from the moderators' queue).
  app.get<{ Params: { id: string } }>('/comments/:id', async (request, reply) => {
    const id = pathId(request.params.id, 'COMMENT_NOT_FOUND');
    const comment = await findComment(ctx.db, request.organisation.id, id);
    if (!comment) throw new AppError('COMMENT_NOT_FOUND');
    const { href } = await loadSubject(ctx, request.organisation, comment.subjectType, comment.subjectId);
    return reply.redirect(`${href}#comment-${id}`, 303);
  });

  /** A comment's place on its subject's page; the moderators' queue when the subject is gone or hidden. */
  async function commentAddress(request: FastifyRequest, id: number): Promise<string> {
    const comment = await findComment(ctx.db, request.organisation.id, id);
    if (!comment) return '/admin/participation/moderation';
    try {
      return `${(await loadSubject(ctx, request.organisation, comment.subjectType, comment.subjectId)).href}#comment-${id}`;
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return '/admin/participation/moderation';
      throw error;
    }
  }

  /** When a comment is refused: the reason, and the text kept in a form to send again. */
  async function retryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    input: CommentInput,
    errors: Record<string, string>,
    status: number,
  ) {
    const { t } = request;
    const { href } = await loadSubject(ctx, request.organisation, input.subjectType, input.subjectId);
    return renderPage(request, reply, {
      title: t('participation.comment.notPosted'),
      status,
      noIndex: true,
      main: html`${stylesheet()}<h1>${t('participation.comment.notPosted')}</h1>
${errorSummary(request, errors)}
<form method="post" action="/comments" class="stack">${csrfField(request)}
<input type="hidden" name="subjectType" value="${input.subjectType}"><input type="hidden" name="subjectId" value="${input.subjectId}">
${input.parentId !== null ? html`<input type="hidden" name="parentId" value="${input.parentId}">` : ''}${input.stance ? html`<input type="hidden" name="stance" value="${input.stance}">` : ''}
${textarea('body', t('participation.comment.field'), input.body, { error: errors.body, rows: 4, maxlength: 5000 })}
<button type="submit" class="button">${t('participation.comment.send')}</button></form>
<p><a href="${href}">${t('participation.comment.back')}</a></p>`,
    });
  }
}
