import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import path from 'node:path';
import { assetFolder } from '../../../platform/web/assets.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import type { ChannelKind } from '../inbox.schema.ts';
import { authorizeInbox, mayDoInInbox, type InboxAction } from '../inbox.policy.ts';
import { findConversation, findThread, type ThreadMessage } from '../conversations.repository.ts';
import { parseId, requireId } from '../../../platform/validation.ts';

/** A field's problem: a stable code (also in the page, as `data-code`) and its text in the reader's language. */
export interface FieldError {
  code: string;
  message: string;
}

/** A field error for `field` with its stable code. */
export function codedError(_field: string, code: string, message: string): FieldError {
  return { code, message };
}

function described(id: string, hint: string | undefined, error: FieldError | undefined): Html {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${error ? raw(' aria-invalid="true"') : ''}`;
}

function head(id: string, label: string, hint: string | undefined, error: FieldError | undefined): Html {
  return html`<label for="${id}">${label}</label>
  ${hint ? html`<p class="field__hint" id="${id}-hint">${hint}</p>` : ''}
  ${error ? html`<p class="field__error" id="${id}-error" data-code="${error.code}">${error.message}</p>` : ''}`;
}

interface FieldBase {
  name: string;
  label: string;
  id?: string;
  hint?: string | undefined;
  error?: FieldError | undefined;
  required?: boolean;
}

/** A labelled `<input>` with hint and error wired for screen readers. */
export function inputField(
  options: FieldBase & {
    value: string;
    type?: 'text' | 'email' | 'date' | 'number';
    maxlength?: number;
    autocomplete?: string;
    step?: string;
  },
): Html {
  const id = options.id ?? options.name;
  return html`<div class="field${options.error ? ' field--error' : ''}">
  ${head(id, options.label, options.hint, options.error)}
  <input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value}"${options.maxlength ? html` maxlength="${options.maxlength}"` : ''}${options.step ? html` step="${options.step}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.required ? raw(' required') : ''}${described(id, options.hint, options.error)}>
</div>`;
}

/** A labelled `<select>`; choices may be grouped. */
export function selectInput(
  options: FieldBase & { value: string; choices: Array<{ value: string; label: string; group?: string }> },
): Html {
  const id = options.id ?? options.name;
  const groups = new Map<string, Array<{ value: string; label: string }>>();
  for (const choice of options.choices)
    groups.set(choice.group ?? '', [...(groups.get(choice.group ?? '') ?? []), choice]);
  const option = (choice: { value: string; label: string }) =>
    html`<option value="${choice.value}"${choice.value === options.value ? raw(' selected') : ''}>${choice.label}</option>`;
  return html`<div class="field${options.error ? ' field--error' : ''}">
  ${head(id, options.label, options.hint, options.error)}
  <select id="${id}" name="${options.name}"${options.required ? raw(' required') : ''}${described(id, options.hint, options.error)}>${[...groups].map(([group, choices]) => (group ? html`<optgroup label="${group}">${choices.map(option)}</optgroup>` : choices.map(option)))}</select>
</div>`;
}

/** A labelled `<textarea>`. */
export function textareaInput(
  options: FieldBase & { value: string; maxlength: number; rows?: number; lang?: string },
): Html {
  const id = options.id ?? options.name;
  return html`<div class="field${options.error ? ' field--error' : ''}">
  ${head(id, options.label, options.hint, options.error)}
  <textarea id="${id}" name="${options.name}" rows="${options.rows ?? 5}" maxlength="${options.maxlength}"${options.lang ? html` lang="${options.lang}"` : ''}${options.required ? raw(' required') : ''}${described(id, options.hint, options.error)}>${options.value}</textarea>
</div>`;
}

/** A positive integer id from text, or undefined (the platform's `parseId`). */
export const idFrom: (text: string) => number | undefined = parseId;

/** The id in a route parameter. */
export function paramId(request: FastifyRequest, name: string): number {
  return requireId((request.params as Record<string, unknown>)[name]);
}

/** The signed-in viewer allowed to do `action` in the inbox (401/403 otherwise). */
export function inboxViewer(request: FastifyRequest, action: InboxAction): Viewer {
  const viewer = request.viewer;
  authorizeInbox(viewer, action);
  return viewer;
}

/** The inbox's own stylesheet, served under /inbox/assets. */
export const inboxAssets = assetFolder('/inbox/assets', path.join(import.meta.dirname, 'assets'));

const SECTIONS: ReadonlyArray<{ href: string; label: MessageKey; action: InboxAction }> = [
  { href: '/staff/inbox', label: 'inbox.nav', action: 'read' },
  { href: '/staff/inbox/listening', label: 'inbox.listening.nav', action: 'read' },
  { href: '/staff/inbox/codes', label: 'inbox.codes.nav', action: 'read' },
  { href: '/staff/inbox/templates', label: 'inbox.templates.title', action: 'answer' },
  { href: '/staff/inbox/people', label: 'inbox.people.nav', action: 'erase' },
  { href: '/admin/inbox/channels', label: 'inbox.channels.nav', action: 'configure' },
  { href: '/admin/inbox/settings', label: 'inbox.settings.nav', action: 'configure' },
];

/** Renders an inbox staff page: never indexed or cached, with the inbox menu. */
export function renderInboxPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; main: Html; status?: number; scripts?: string[]; unread?: number },
): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  const sections = SECTIONS.filter((section) => mayDoInInbox(request.viewer, section.action));
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: options.title,
    noIndex: true,
    status: options.status ?? 200,
    ...(options.scripts ? { scripts: options.scripts } : {}),
    main: html`<link rel="stylesheet" href="/staff/assets/staff.css"><link rel="stylesheet" href="${inboxAssets.url('listening.css')}"><link rel="stylesheet" href="${inboxAssets.url('team.css')}">
<nav class="staff-nav" aria-label="${request.t('inbox.listening.sections')}"><ul>${sections.map((s) => html`<li><a href="${s.href}"${path === s.href ? raw(' aria-current="page"') : ''}>${request.t(s.label)}</a></li>`)}${
      request.viewer && mayDoInInbox(request.viewer, 'read')
        ? html`<li><a href="/staff/inbox/notifications" id="inbox-notifications-link"${path === '/staff/inbox/notifications' ? raw(' aria-current="page"') : ''}>${request.t('inbox.notify.title')}${options.unread ? html` <span class="inbox-badge" data-unread="${options.unread}">${options.unread}</span>` : ''}</a></li>`
        : ''
    }</ul></nav>
${options.main}`,
  });
}

const CHANNEL_ICONS: Record<ChannelKind, string> = {
  email: '✉',
  telegram: '✈',
  mastodon: '🐘',
  facebook: 'f',
  instagram: '◎',
  feed: '☷',
  import: '⇪',
  webhook: '⚡',
  web: '⌂',
  fediverse: '⁂',
};

/** A channel's icon (decorative) and its name. */
export function channelLabel(kind: ChannelKind, name: string): Html {
  return html`<span class="inbox-channel"><span aria-hidden="true">${CHANNEL_ICONS[kind]}</span> ${name}</span>`;
}

/** Whole hours between two instants. */
export function hoursBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 3_600_000));
}

/** The first non-empty line of a text, cut to `length` characters. */
export function firstLine(text: string, length = 100): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/**
 * A resident's message in a conversation, to turn into a report or a proposal: refused when the
 * conversation is already linked to one (409), or when the message is not the resident's or was erased.
 */
export async function loadIncomingMessage(
  ctx: AppContext,
  request: FastifyRequest,
  messageText: string,
  into: 'report' | 'proposal',
): Promise<{ conversationId: number; message: ThreadMessage }> {
  inboxViewer(request, 'answer');
  const conversation = await findConversation(ctx.db, request.organisation.id, paramId(request, 'conversationId'));
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  if (into === 'report' && conversation.reportId !== null) throw new AppError('INBOX_ALREADY_LINKED');
  if (into === 'proposal' && conversation.proposalId !== null) throw new AppError('INBOX_PROPOSAL_LINKED');
  const messageId = idFrom(messageText);
  const message = (await findThread(ctx.db, request.organisation.id, conversation.id)).find(
    (m) => m.id === messageId && m.direction === 'in' && !m.erased,
  );
  if (!message) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
  return { conversationId: conversation.id, message };
}
