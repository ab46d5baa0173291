import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate } from '../../../platform/web/layout.ts';
import type { ApprovalStep } from '../approval.repository.ts';
import type { Campaign } from '../campaigns.repository.ts';
import { reviewText } from '../checks.ts';
import type { Delivery } from '../delivery.repository.ts';
import type { DeliveryChange } from '../corrections.repository.ts';
import { diffTexts } from '../diff.ts';
import type { Decision, Post, PostText } from '../posts.repository.ts';
import type { DestinationProblems } from '../posts.use-cases.ts';
import type { DeliveryRowState, DecisionKind } from '../publishing.schema.ts';
import { STATE_TEXT } from './posts.view.ts';
import { languageName, publishingPage, textareaField } from './shared.ts';

const DELIVERY_TEXT: Record<DeliveryRowState, MessageKey> = {
  pending: 'publishing.delivery.pending',
  publishing: 'publishing.delivery.publishing',
  uncertain: 'publishing.delivery.uncertain',
  processing: 'publishing.delivery.processing',
  published: 'publishing.delivery.published',
  failed: 'publishing.delivery.failed',
  removed: 'publishing.delivery.removed',
};

const DECISION_TEXT: Record<DecisionKind, MessageKey> = {
  approved: 'publishing.decision.approved',
  changes_requested: 'publishing.decision.changes_requested',
  comment: 'publishing.decision.comment',
  submitted: 'publishing.decision.submitted',
  emergency_started: 'publishing.decision.emergency_started',
  emergency_confirmed: 'publishing.decision.emergency_confirmed',
};

const PROBLEM_TEXT: Record<string, MessageKey> = {
  EMPTY_TEXT: 'publishing.problem.EMPTY_TEXT',
  TOO_LONG: 'publishing.problem.TOO_LONG',
  TOO_MANY_MEDIA: 'publishing.problem.TOO_MANY_MEDIA',
  MEDIA_REQUIRED: 'publishing.problem.MEDIA_REQUIRED',
  ALT_TEXT_MISSING: 'publishing.problem.ALT_TEXT_MISSING',
};

const CHECK_TEXT: Record<string, MessageKey> = {
  HASHTAG_NOT_CAMEL_CASE: 'publishing.check.HASHTAG_NOT_CAMEL_CASE',
  ALL_CAPITALS: 'publishing.check.ALL_CAPITALS',
  VAGUE_LINK_TEXT: 'publishing.check.VAGUE_LINK_TEXT',
};

const BAND_TEXT: Record<'easy' | 'standard' | 'hard', MessageKey> = {
  easy: 'publishing.check.band.easy',
  standard: 'publishing.check.band.standard',
  hard: 'publishing.check.band.hard',
};

const FORMULA_NAMES: Record<string, string> = {
  flesch: 'Flesch',
  amstad: 'Amstad',
  'kandel-moles': 'Kandel–Moles',
  'fernandez-huerta': 'Fernández Huerta',
  gulpease: 'Gulpease',
  douma: 'Douma',
  'flesch-pt': 'Flesch (Martins)',
  lix: 'LIX',
};

export interface PostPageData {
  post: Post;
  problems: DestinationProblems;
  campaign: Campaign | undefined;
  deliveries: Delivery[];
  /** The latest correction or withdrawal of each delivery, by delivery id. */
  changes: Map<number, DeliveryChange>;
  destinationNames: Record<number, string>;
  decisions: Decision[];
  versions: Array<{ version: number; texts: Record<string, PostText> }>;
  step: { step: ApprovalStep; steps: ApprovalStep[] } | undefined;
  departmentName: string;
  /** A review link just created: shown once. */
  reviewUrl?: string | undefined;
  errors?: Record<string, string>;
}

function problemsBlock(request: FastifyRequest, problems: DestinationProblems): Html {
  const { t } = request;
  if (problems.length === 0) return html`<p>${t('publishing.post.noProblems')}</p>`;
  return html`<ul class="publishing-problems">${problems.flatMap((destination) =>
    destination.problems.map(
      (problem) =>
        html`<li>${t(PROBLEM_TEXT[problem.code] ?? 'publishing.problem.OTHER', {
          destination: destination.name,
          language: languageName(problem.language),
          used: String(problem.count ?? ''),
          limit: String(problem.limit ?? ''),
          code: problem.code,
        })}</li>`,
    ),
  )}</ul>`;
}

function checksBlock(request: FastifyRequest, post: Post): Html {
  const { t } = request;
  return html`<ul class="publishing-checks">${Object.entries(post.texts).map(([language, text]) => {
    const review = reviewText(`${text.title ?? ''}\n\n${text.body}`, language);
    const score = review.readability;
    return html`<li lang="${request.lang}"><strong>${languageName(language)}</strong>: ${
      score
        ? t('publishing.check.readability', {
            formula: FORMULA_NAMES[score.formula] ?? score.formula,
            score: String(score.score),
            band: t(BAND_TEXT[score.band]),
          })
        : ''
    }${review.findings.length ? html`<ul>${review.findings.map((finding) => html`<li>${t(CHECK_TEXT[finding.code] ?? 'publishing.problem.OTHER', { found: finding.found, code: finding.code })}</li>`)}</ul>` : ''}</li>`;
  })}</ul>`;
}

function diffBlock(request: FastifyRequest, versions: PostPageData['versions']): Html {
  const [current, previous] = versions;
  if (!current || !previous) return html``;
  const languages = [...new Set([...Object.keys(previous.texts), ...Object.keys(current.texts)])];
  return html`<section aria-labelledby="diff-title"><h2 id="diff-title">${request.t('publishing.post.diff', { from: String(previous.version), to: String(current.version) })}</h2>
${languages.map((language) => {
  const before = previous.texts[language];
  const after = current.texts[language];
  const parts = diffTexts(
    `${before?.title ?? ''}\n${before?.body ?? ''}`,
    `${after?.title ?? ''}\n${after?.body ?? ''}`,
  );
  if (parts.every((part) => part.kind === 'same')) return html``;
  return html`<h3>${languageName(language)}</h3><p class="publishing-diff" lang="${language}">${parts.map((part) =>
    part.kind === 'same'
      ? part.text
      : part.kind === 'added'
        ? html`<ins><span class="visually-hidden">${request.t('publishing.post.added')} </span>${part.text}</ins>`
        : html`<del><span class="visually-hidden">${request.t('publishing.post.removed')} </span>${part.text}</del>`,
  )}</p>`;
})}</section>`;
}

function actionForm(
  request: FastifyRequest,
  post: Post,
  action: string,
  label: MessageKey,
  extra: Html = html``,
): Html {
  return html`<form method="post" action="/staff/publishing/posts/${post.id}/${action}">${csrfField(request)}${extra}<button type="submit" class="button">${request.t(label)}</button></form>`;
}

function actions(request: FastifyRequest, data: PostPageData): Html {
  const { t } = request;
  const { post } = data;
  const editable = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled'].includes(post.state);
  const errors = data.errors ?? {};
  const parts: Html[] = [];
  if (editable)
    parts.push(
      html`<p><a class="button button--secondary" href="/staff/publishing/posts/${post.id}/edit">${t('publishing.action.edit')}</a></p>`,
    );
  if (post.state === 'draft' || post.state === 'changes_requested')
    parts.push(actionForm(request, post, 'submit', 'publishing.action.submit'));
  if (post.state === 'in_review') {
    parts.push(actionForm(request, post, 'approve', 'publishing.action.approve'));
    parts.push(
      actionForm(
        request,
        post,
        'changes',
        'publishing.action.requestChanges',
        textareaField({
          name: 'comment',
          label: t('publishing.field.changesComment'),
          value: '',
          error: errors.comment,
          rows: 3,
        }),
      ),
    );
  }
  if (editable && post.emergencyStartedAt === null)
    parts.push(actionForm(request, post, 'emergency', 'publishing.action.emergency'));
  if (editable && post.emergencyStartedAt !== null)
    parts.push(actionForm(request, post, 'emergency/confirm', 'publishing.action.emergencyConfirm'));
  if (post.reviewAfterwards) parts.push(actionForm(request, post, 'reviewed', 'publishing.action.markReviewed'));
  if (post.state === 'published')
    parts.push(
      html`<p><a class="button button--secondary" href="/staff/publishing/posts/${post.id}/correct">${t('publishing.action.correct')}</a></p>`,
    );
  if (post.state === 'published' || post.state === 'publishing')
    parts.push(
      html`<form method="post" action="/staff/publishing/posts/${post.id}/withdraw">${csrfField(request)}
<p class="field__hint">${t('publishing.withdraw.hint')}</p>
${textareaField({ name: 'reason', label: t('publishing.field.withdrawReason'), value: '', error: errors.reason, rows: 2 })}
<button type="submit" class="button button--danger">${t('publishing.action.withdraw')}</button></form>`,
    );
  return html`<div class="publishing-actions">${parts}</div>`;
}

export function postPage(request: FastifyRequest, reply: FastifyReply, data: PostPageData, status = 200): FastifyReply {
  const { t, organisation } = request;
  const { post } = data;
  const errors = data.errors ?? {};
  const heading =
    Object.values(post.texts).find((text) => text.title)?.title ?? t('publishing.post.title', { id: String(post.id) });
  const localName = (name: Translated) => localized(name, request.lang, organisation.defaultLanguage);
  return publishingPage(request, reply, {
    title: heading,
    status,
    main: html`<h1>${heading}</h1>
${errorSummary(request, errors)}
${data.reviewUrl ? html`<div class="notice" role="status"><p>${t('publishing.review.created')}</p><p><code>${data.reviewUrl}</code></p></div>` : ''}
<dl>
<dt>${t('publishing.list.state')}</dt><dd>${t(STATE_TEXT[post.state])}${data.step ? html` — ${t('publishing.post.waitingFor', { step: data.step.step.name || t('publishing.steps.default'), position: String(post.approvalPosition + 1), total: String(data.step.steps.length) })}` : ''}</dd>
<dt>${t('publishing.field.department')}</dt><dd>${data.departmentName}</dd>
<dt>${t('publishing.field.schedule')}</dt><dd>${post.publishedAt ? formatDate(request, post.publishedAt, true) : post.scheduledAt ? formatDate(request, post.scheduledAt, true) : t('publishing.schedule.now')}</dd>
${data.campaign ? html`<dt>${t('publishing.field.campaign')}</dt><dd>${localName(data.campaign.name)} ${data.campaign.hashtags.map((tag) => `#${tag}`).join(' ')}</dd>` : ''}
</dl>
${post.emergencyStartedAt && !post.reviewAfterwards ? html`<p class="notice">${t('publishing.post.emergencyWaiting', { time: formatDate(request, new Date(post.emergencyStartedAt.getTime() + 15 * 60_000), true) })}</p>` : ''}
${post.reviewAfterwards ? html`<p class="notice">${t('publishing.post.reviewAfterwards')}</p>` : ''}
${post.withdrawnAt ? html`<p class="notice">${t('publishing.post.withdrawn', { date: formatDate(request, post.withdrawnAt, true) })}</p><blockquote>${post.withdrawnReason ?? ''}</blockquote>` : ''}
${post.correctedAt && !post.withdrawnAt ? html`<p class="notice">${t('publishing.post.corrected', { date: formatDate(request, post.correctedAt, true) })}</p>` : ''}
${actions(request, data)}
<section aria-labelledby="problems-title"><h2 id="problems-title">${t('publishing.post.problems')}</h2>${problemsBlock(request, data.problems)}</section>
<section aria-labelledby="checks-title"><h2 id="checks-title">${t('publishing.post.checks')}</h2>${checksBlock(request, post)}</section>
<section aria-labelledby="texts-title"><h2 id="texts-title">${t('publishing.post.texts')}</h2>
${Object.entries(post.texts).map(
  ([language, text]) =>
    html`<h3>${languageName(language)}</h3><div lang="${language}">${post.contentWarning[language] ? html`<p><strong>${post.contentWarning[language]}</strong></p>` : ''}${text.title ? html`<p><strong>${text.title}</strong></p>` : ''}<p class="publishing-text">${text.body}</p></div>`,
)}</section>
${diffBlock(request, data.versions)}
${mediaBlock(request, data)}
${deliveriesBlock(request, data)}
<section aria-labelledby="history-title"><h2 id="history-title">${t('publishing.post.history')}</h2>
<ol>${data.decisions.map(
      (decision) =>
        html`<li>${formatDate(request, decision.createdAt, true)} — ${decision.userName ?? decision.reviewerName ?? '—'}: ${t(DECISION_TEXT[decision.decision])} (${t('publishing.post.version', { version: String(decision.version) })})${decision.comment ? html`<blockquote>${decision.comment}</blockquote>` : ''}</li>`,
    )}</ol>
${actionForm(request, post, 'comment', 'publishing.action.comment', textareaField({ name: 'comment', label: t('publishing.field.comment'), value: '', rows: 3 }))}
</section>
<section aria-labelledby="review-title"><h2 id="review-title">${t('publishing.review.linkTitle')}</h2>
<form method="post" action="/staff/publishing/posts/${post.id}/review-link">${csrfField(request)}
<div class="field${errors.reviewerName ? ' field--error' : ''}"><label for="reviewerName">${t('publishing.review.name')}</label>${errors.reviewerName ? html`<p class="field__error" id="reviewerName-error">${errors.reviewerName}</p>` : ''}<input type="text" id="reviewerName" name="reviewerName" maxlength="200"></div>
<div class="field"><label for="days">${t('publishing.review.days')}</label><input type="number" id="days" name="days" min="1" max="30" value="7"></div>
<button type="submit" class="button button--secondary">${t('publishing.review.create')}</button></form></section>`,
  });
}

function mediaBlock(request: FastifyRequest, data: PostPageData): Html {
  const { t, organisation } = request;
  const { post } = data;
  const errors = data.errors ?? {};
  const editable = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled'].includes(post.state);
  return html`<section aria-labelledby="media-title"><h2 id="media-title">${t('publishing.media.title')}</h2>
<ul>${post.media.map(
    (
      item,
    ) => html`<li><img src="/publishing/media/${item.id}" alt="${item.alt[request.lang] ?? Object.values(item.alt)[0] ?? ''}" width="160">
<ul>${Object.entries(item.alt).map(([language, alt]) => html`<li>${languageName(language)}: <span lang="${language}">${alt}</span></li>`)}</ul>
${editable ? html`<form method="post" action="/staff/publishing/posts/${post.id}/media/${item.id}/delete">${csrfField(request)}<button type="submit" class="button button--secondary">${t('publishing.media.remove')}</button></form>` : ''}</li>`,
  )}</ul>
${
  editable
    ? html`<form method="post" action="/staff/publishing/posts/${post.id}/media" enctype="multipart/form-data">${csrfField(request)}
<div class="field${errors.file ? ' field--error' : ''}"><label for="file">${t('publishing.media.file')}</label>${errors.file ? html`<p class="field__error" id="file-error">${errors.file}</p>` : ''}<input type="file" id="file" name="file" accept="image/jpeg,image/png,image/webp"></div>
${organisation.languages.map(
  (language) =>
    html`<div class="field${errors[`alt_${language}`] ? ' field--error' : ''}"><label for="alt_${language}">${t('publishing.media.alt')} (${languageName(language)})</label>${errors[`alt_${language}`] ? html`<p class="field__error" id="alt_${language}-error">${errors[`alt_${language}`]}</p>` : ''}<input type="text" id="alt_${language}" name="alt_${language}" lang="${language}" maxlength="1000"></div>`,
)}
<button type="submit" class="button button--secondary">${t('publishing.media.add')}</button></form>`
    : ''
}</section>`;
}

const CHANGE_TEXT: Record<DeliveryChange['state'], MessageKey> = {
  pending: 'publishing.change.pending',
  done: 'publishing.change.done',
  failed: 'publishing.change.failed',
  unsupported: 'publishing.change.unsupported',
  superseded: 'publishing.change.pending',
};

/** What became of the latest correction or withdrawal on this channel. */
function changeLine(request: FastifyRequest, change: DeliveryChange | undefined): Html {
  if (!change) return html``;
  const what = request.t(change.kind === 'update' ? 'publishing.change.update' : 'publishing.change.remove');
  return html`<br><small>${what}: ${request.t(CHANGE_TEXT[change.state])}${change.lastError ? ` (${change.lastError})` : ''}</small>`;
}

function deliveriesBlock(request: FastifyRequest, data: PostPageData): Html {
  const { t } = request;
  if (data.deliveries.length === 0) return html``;
  return html`<section aria-labelledby="deliveries"><h2 id="deliveries">${t('publishing.post.deliveries')}</h2>
<table class="publishing-table"><thead><tr><th scope="col">${t('publishing.field.destinations')}</th><th scope="col">${t('publishing.delivery.language')}</th><th scope="col">${t('publishing.list.state')}</th><th scope="col">${t('publishing.delivery.metrics')}</th><th scope="col"><span class="visually-hidden">${t('publishing.delivery.actions')}</span></th></tr></thead>
<tbody>${data.deliveries.map(
    (
      delivery,
    ) => html`<tr><td>${data.destinationNames[delivery.destinationId] ?? delivery.destinationId}</td><td>${languageName(delivery.language)}</td>
<td>${delivery.remoteUrl ? html`<a href="${delivery.remoteUrl}">${t(DELIVERY_TEXT[delivery.state])}</a>` : t(DELIVERY_TEXT[delivery.state])}${delivery.lastError ? html`<br><small>${delivery.lastError}</small>` : ''}${changeLine(request, data.changes.get(delivery.id))}</td>
<td>${Object.entries(delivery.metrics)
      .map(([name, value]) => `${name}: ${value}`)
      .join(', ')}</td>
<td>${delivery.state === 'failed' ? html`<form method="post" action="/staff/publishing/posts/${delivery.postId}/deliveries/${delivery.id}/retry">${csrfField(request)}<button type="submit" class="button button--secondary">${t('publishing.action.retry')}<span class="visually-hidden"> — ${data.destinationNames[delivery.destinationId] ?? ''} (${languageName(delivery.language)})</span></button></form>` : ''}</td></tr>`,
  )}</tbody></table></section>`;
}

export { raw };
