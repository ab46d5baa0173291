import { recordAudit } from '../../platform/audit.ts';
import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import {
  checkProposal,
  findProcess,
  insertProposal,
  newProposal,
  phaseAllows,
  type ParticipationFieldProblem,
} from '../participation/index.ts';
import { submitReport, type SubmitOutcome } from '../reports/index.ts';
import { analyseMessage } from './analysis/index.ts';
import { recordCorrection } from './analysis/learning.ts';
import { isMessageLanguage, type MessageLanguage } from './analysis/languages.ts';
import { analysisContextFor } from './analyse.ts';
import { routeConversationsByTopic, updateMessageAnalyses } from './analyse.repository.ts';
import { adapterFor } from './channels/index.ts';
import { authorizeInbox } from './inbox.policy.ts';
import { deleteSavedView, insertSavedView } from './saved-views.repository.ts';
import {
  findAssignablePeople,
  findUserRole,
  isActiveDepartment,
  setConversationAssignment,
} from './assignment.repository.ts';
import {
  findConversation,
  type ConversationDetail,
  findLatestIncomingLanguage,
  linkConversationToProposal,
  linkConversationToReport,
  setConversationStatus,
} from './conversations.repository.ts';
import { findTemplate, insertTemplate, updateTemplate } from './templates.repository.ts';
import {
  findOpenAnalysedMessages,
  findTopics,
  findIncomingMessage,
  routeConversationToTopic,
  updateMessageLabels,
} from './labels.repository.ts';
import { conversationTexts } from './inbox.texts.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { SENTIMENTS, type Sentiment } from './inbox.schema.ts';
import { cityOf, notifyAssignment } from './team.use-cases.ts';
import { queueAnswerIn, queueReplyIn, type AnswerOutcome } from './replies.ts';

/** The longest proposal text participation stores, with room kept for the line saying who proposed it. */
/** Room left in a proposal's text for the line saying where it came from (participation keeps 10,000). */
export const PROPOSAL_BODY_MAX = 9_500;

function actorOf(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

async function loadConversation(ctx: AppContext, viewer: Viewer, conversationId: number): Promise<ConversationDetail> {
  const conversation = await findConversation(ctx.db, viewer.organisationId, conversationId);
  if (!conversation) throw new AppError('INBOX_CONVERSATION_NOT_FOUND');
  return conversation;
}

/** The language to write to a conversation's author in: their latest message's, if the city speaks it, else the city's. */
export async function conversationLanguage(
  db: Executor,
  organisation: Organisation,
  conversationId: number,
): Promise<Language> {
  const language = await findLatestIncomingLanguage(db, conversationId);
  if (isLanguage(language) && organisation.languages.includes(language)) return language;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/**
 * Gives a conversation to a department and/or a person. A person must be staff; when a department is
 * chosen too, a member of it (administrators may be given anything). Audited.
 */
export async function assignConversation(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId: number,
  input: { departmentId: number | null; assigneeId: number | null },
): Promise<void> {
  authorizeInbox(viewer, 'answer');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  if (input.departmentId !== null) {
    if (!(await isActiveDepartment(ctx.db, viewer.organisationId, input.departmentId)))
      throw new AppError('INBOX_DEPARTMENT_NOT_FOUND');
  }
  if (input.assigneeId !== null) {
    const person = (await findAssignablePeople(ctx.db, viewer.organisationId)).find((p) => p.id === input.assigneeId);
    const role = person ? await findUserRole(ctx.db, person.id) : undefined;
    if (
      !person ||
      (input.departmentId !== null && role !== 'admin' && !person.departmentIds.includes(input.departmentId))
    )
      throw new AppError('INBOX_ASSIGNEE_INVALID');
  }
  const organisation = await cityOf(ctx, viewer.organisationId);
  await ctx.db.transaction().execute(async (tx) => {
    await setConversationAssignment(tx, conversation.id, input);
    if (input.assigneeId !== null && input.assigneeId !== conversation.assigneeId)
      await notifyAssignment(ctx, tx, organisation, viewer, conversation.id, input.assigneeId);
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'inbox.conversation.assign',
      subjectType: 'inbox_conversation',
      subjectId: conversation.id,
      before: { departmentId: conversation.departmentId, assigneeId: conversation.assigneeId },
      after: input,
    });
  });
}

/** Marks a conversation done, or opens it again. Audited. */
export async function setConversationDone(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId: number,
  done: boolean,
): Promise<void> {
  authorizeInbox(viewer, 'answer');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  const status = done ? 'done' : 'open';
  if (conversation.status === status) return;
  await ctx.db.transaction().execute(async (tx) => {
    await setConversationStatus(tx, conversation.id, done);
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: done ? 'inbox.conversation.done' : 'inbox.conversation.reopen',
      subjectType: 'inbox_conversation',
      subjectId: conversation.id,
      before: { status: conversation.status },
      after: { status },
    });
  });
}

/**
 * Answers on the channel the conversation came from (queued, retried by the delivery job). Audited with the
 * answer. `seenMessageId` (when the form carries it) is the last message the staff member saw: when a resident's message or another
 * answer arrived since, nothing is sent and the outcome lists what arrived (the page asks to confirm).
 */
export async function answerConversation(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId: number,
  text: string,
  templateId: number | null,
  seenMessageId: number | null,
): Promise<AnswerOutcome> {
  authorizeInbox(viewer, 'answer');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  return ctx.db.transaction().execute(async (tx) => {
    const input = { organisationId: viewer.organisationId, conversationId: conversation.id, userId: viewer.id, text };
    // a form without the last message seen (a script's) is not checked
    const outcome: AnswerOutcome =
      seenMessageId === null
        ? { ok: true, messageId: await queueReplyIn(tx, ctx.jobs, input) }
        : await queueAnswerIn(tx, ctx.jobs, { ...input, seenMessageId });
    if (!outcome.ok) return outcome;
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'inbox.conversation.answer',
      subjectType: 'inbox_conversation',
      subjectId: conversation.id,
      after: { messageId: outcome.messageId, templateId },
    });
    return outcome;
  });
}

/** Most open messages one correction re-analyses (the latest first): bounded work per correction. */
export const REANALYSE_LIMIT = 500;
/**
 * Least share of features (cosine, 0–1) a message must have with a corrected text to be re-analysed:
 * below it a correction moves a message too little to change its label.
 */
export const REANALYSE_SIMILARITY = 0.1;

/**
 * Relabels an incoming message's sentiment and/or topic ('' leaves it as it is). The message keeps the
 * staff label, and the correction teaches the city's classifier. A new topic sends the conversation to
 * the topic's department when nobody is assigned to it. Then the open messages the correction bears on
 * (those sharing enough features with it) are analysed again with the taught classifier. Audited.
 * Returns how many other messages changed label.
 */
export async function relabelMessage(
  ctx: AppContext,
  viewer: Viewer | null,
  conversationId: number,
  messageId: number,
  input: { sentiment: string; topic: string },
): Promise<number> {
  authorizeInbox(viewer, 'answer');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  const message = await findIncomingMessage(ctx.db, conversation.id, messageId, { liveOnly: true });
  if (!message) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
  const sentiment = input.sentiment === '' ? undefined : input.sentiment;
  const topic = input.topic === '' ? undefined : input.topic;
  if (sentiment !== undefined && !(SENTIMENTS as readonly string[]).includes(sentiment))
    throw new AppError('INBOX_LABEL_INVALID');
  if (topic !== undefined && !(await findTopics(ctx.db, viewer.organisationId)).some((t) => t.key === topic))
    throw new AppError('INBOX_LABEL_INVALID');
  const changeSentiment = sentiment !== undefined && sentiment !== message.sentiment;
  const changeTopic = topic !== undefined && topic !== message.topic;
  if (!changeSentiment && !changeTopic) return 0;
  const language = isMessageLanguage(message.language) ? message.language : 'unknown';
  await ctx.db.transaction().execute(async (tx) => {
    await updateMessageLabels(tx, message.id, {
      ...(changeSentiment ? { sentiment: { value: sentiment as Sentiment, by: viewer.id } } : {}),
      ...(changeTopic ? { topic: { value: topic, by: viewer.id } } : {}),
    });
    if (changeSentiment)
      await recordCorrection(tx, viewer.organisationId, {
        kind: 'sentiment',
        language,
        text: message.body,
        label: sentiment,
        messageId: message.id,
        createdBy: viewer.id,
      });
    let departmentId: number | null = null;
    if (changeTopic) {
      await recordCorrection(tx, viewer.organisationId, {
        kind: 'topic',
        language,
        text: message.body,
        label: topic,
        messageId: message.id,
        createdBy: viewer.id,
      });
      departmentId = await routeConversationToTopic(tx, viewer.organisationId, conversation.id, topic);
    }
    await recordAudit(tx, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'inbox.message.relabel',
      subjectType: 'inbox_message',
      subjectId: message.id,
      before: { sentiment: message.sentiment, topic: message.topic, departmentId: conversation.departmentId },
      after: {
        sentiment: changeSentiment ? sentiment : message.sentiment,
        topic: changeTopic ? topic : message.topic,
        departmentId: departmentId ?? conversation.departmentId,
      },
    });
  });
  return reanalyseAfterCorrection(ctx, viewer.organisationId, {
    text: message.body,
    language,
    kinds: [...(changeSentiment ? (['sentiment'] as const) : []), ...(changeTopic ? (['topic'] as const) : [])],
  });
}

/**
 * Analyses again, with the city's classifiers as a correction left them, the latest open messages
 * (REANALYSE_LIMIT) that share enough with the corrected text (REANALYSE_SIMILARITY); stores those
 * whose label changed (staff's own labels are kept) and routes their new conversations by topic.
 * Returns how many changed.
 */
async function reanalyseAfterCorrection(
  ctx: AppContext,
  organisationId: number,
  corrected: { text: string; language: MessageLanguage | 'unknown'; kinds: ReadonlyArray<'sentiment' | 'topic'> },
): Promise<number> {
  const organisation = await ctx.organisations.findById(organisationId);
  if (!organisation) return 0;
  const context = await analysisContextFor(ctx, organisation);
  const candidates = await findOpenAnalysedMessages(ctx.db, organisationId, REANALYSE_LIMIT);
  const changed = [];
  for (const candidate of candidates) {
    const text = candidate.subject ? `${candidate.subject}\n${candidate.body}` : candidate.body;
    const language = isMessageLanguage(candidate.language) ? candidate.language : 'unknown';
    const bearsOn = corrected.kinds.some((kind) => {
      const model = kind === 'sentiment' ? context.sentimentModel : context.topicModel;
      return model !== undefined && model.similarity(corrected, { text, language }) >= REANALYSE_SIMILARITY;
    });
    if (!bearsOn) continue;
    const analysis = analyseMessage({ text, lat: candidate.lat, lng: candidate.lng }, context);
    const sentimentMoved = candidate.sentiment_by === null && analysis.sentiment !== candidate.sentiment;
    const topicMoved = candidate.topic_by === null && analysis.topic !== candidate.topic;
    if (sentimentMoved || topicMoved) changed.push({ id: candidate.id, ...analysis });
  }
  if (changed.length === 0) return 0;
  await updateMessageAnalyses(ctx.db, changed);
  await routeConversationsByTopic(
    ctx.db,
    changed.map((row) => row.id),
  );
  return changed.length;
}

export interface ReportFromMessage {
  messageId: number;
  categoryCode: string;
  lat: number;
  lng: number;
  address: string;
  description: string;
  /** Answers to the category's questions, by question code (a list for a multiple-choice question). */
  answers?: Record<string, string | string[]>;
}

/** The public address of a report, as mails and answers give it. */
export function reportLink(ctx: AppContext, organisation: Organisation, reportId: number): string {
  return absoluteUrl(ctx.config, organisation, `/reports/${reportId}`);
}

/**
 * Turns a conversation's message into a report through the reports module's intake (validated and
 * routed like any report, source "inbox"), links the conversation to it and tells the author on their
 * channel, with the report's public address, in their language — all in the report's transaction.
 * The report-updates job then tells them each public change. Audited.
 */
export async function turnIntoReport(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  conversationId: number,
  input: ReportFromMessage,
): Promise<SubmitOutcome> {
  authorizeInbox(viewer, 'answer');
  if (!hasRole(viewer, 'staff')) throw new AppError('FORBIDDEN');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  if (conversation.reportId !== null) throw new AppError('INBOX_ALREADY_LINKED');
  const message = await findIncomingMessage(ctx.db, conversation.id, input.messageId, { liveOnly: false });
  if (!message) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
  const texts = conversationTexts(await conversationLanguage(ctx.db, organisation, conversation.id));
  return submitReport(ctx, organisation, {
    categoryCode: input.categoryCode,
    lat: input.lat,
    lng: input.lng,
    description: input.description,
    address: input.address || undefined,
    answers: input.answers ?? {},
    authorName: conversation.authorName ?? undefined,
    showName: false,
    source: 'inbox',
    afterInsert: async (tx, reportId) => {
      if (!(await linkConversationToReport(tx, conversation.id, reportId))) throw new AppError('INBOX_ALREADY_LINKED');
      const text = texts.reportTold(reportId, reportLink(ctx, organisation, reportId));
      // a channel that cannot answer (a feed, an import) still gets its report; there is no one to tell
      const replyId = adapterFor(conversation.channelKind)?.reply
        ? await queueReplyIn(tx, ctx.jobs, {
            organisationId: organisation.id,
            conversationId: conversation.id,
            userId: viewer.id,
            text,
          })
        : null;
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor: actorOf(viewer),
        action: 'inbox.conversation.report',
        subjectType: 'inbox_conversation',
        subjectId: conversation.id,
        after: { reportId, messageId: input.messageId, replyId },
      });
    },
  });
}

export interface ProposalFromMessage {
  messageId: number;
  processId: number | null;
  title: string;
  body: string;
  category: string;
  districtId: number | null;
  /** Both or neither; a place without a district gets the district it lies in. */
  lat: number | null;
  lng: number | null;
  /** Whether the proposal names the resident (staff tick it when the person agrees); else "a resident". */
  showName: boolean;
}

export type ProposalOutcome =
  | { ok: true; id: number }
  | {
      ok: false;
      code: 'PARTICIPATION_CLOSED' | 'PROPOSAL_INVALID';
      /** Field problems: participation's proposal rules, or no process chosen / the process closed. */
      fields: Record<string, ParticipationFieldProblem | 'processRequired' | 'PARTICIPATION_CLOSED'>;
    };

/** The public address of a proposal, as answers on the channels give it. */
export function proposalLink(ctx: AppContext, organisation: Organisation, proposalId: number): string {
  return absoluteUrl(ctx.config, organisation, `/proposals/${proposalId}`);
}

/**
 * Turns a conversation's message into a proposal of a process whose current phase takes proposals.
 * The resident usually has no account (a Telegram or Mastodon person), so the staff member submits it
 * for them: the proposal's author is the staff member (who may also withdraw it at the resident's
 * request), and its text ends with a line saying who proposed it and through which channel — by name
 * only when staff tick it, since the name becomes public. The residents' eligibility rules cannot be
 * checked for someone without an account: staff vouch for them; the phase is checked as for anyone.
 * Same checks as participation's submitProposal. Links the conversation, tells the author on their
 * channel with the proposal's address in their language, and audits — all in one transaction.
 */
export async function turnIntoProposal(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  conversationId: number,
  input: ProposalFromMessage,
  now = new Date(),
): Promise<ProposalOutcome> {
  authorizeInbox(viewer, 'answer');
  if (!hasRole(viewer, 'staff')) throw new AppError('FORBIDDEN');
  const conversation = await loadConversation(ctx, viewer, conversationId);
  if (conversation.proposalId !== null) throw new AppError('INBOX_PROPOSAL_LINKED');
  const message = await findIncomingMessage(ctx.db, conversation.id, input.messageId, { liveOnly: false });
  if (!message) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
  const process = input.processId === null ? undefined : await findProcess(ctx.db, organisation.id, input.processId);
  if (process && !phaseAllows(process, 'proposals', 'create', now))
    return { ok: false, code: 'PARTICIPATION_CLOSED', fields: { process: 'PARTICIPATION_CLOSED' } };
  if (!process) return { ok: false, code: 'PROPOSAL_INVALID', fields: { process: 'processRequired' } };
  const texts = conversationTexts(await conversationLanguage(ctx.db, organisation, conversation.id));
  const name = input.showName ? (conversation.authorName ?? conversation.authorHandle) : null;
  const origin = texts.proposalOrigin(name, conversation.channelKind);
  // The same rules as a resident's own proposal (participation's), with the line saying where it came from.
  const checked = await checkProposal(ctx, organisation, process, {
    ...input,
    body: `${input.body.replace(/\r\n/g, '\n').trim()}\n\n${origin}`,
  });
  if (!checked.ok) return { ok: false, code: 'PROPOSAL_INVALID', fields: checked.fields };
  const { title } = checked.proposal;
  return ctx.db.transaction().execute(async (tx) => {
    const id = await insertProposal(tx, newProposal(organisation, process, viewer.id, checked.proposal, now));
    if (!(await linkConversationToProposal(tx, conversation.id, id))) throw new AppError('INBOX_PROPOSAL_LINKED');
    const text = texts.proposalTold(title, proposalLink(ctx, organisation, id));
    // a channel that cannot answer (a feed, an import) still gets its proposal; there is no one to tell
    const replyId = adapterFor(conversation.channelKind)?.reply
      ? await queueReplyIn(tx, ctx.jobs, {
          organisationId: organisation.id,
          conversationId: conversation.id,
          userId: viewer.id,
          text,
        })
      : null;
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'inbox.conversation.proposal',
      subjectType: 'inbox_conversation',
      subjectId: conversation.id,
      after: { proposalId: id, processId: process.id, messageId: input.messageId, replyId, named: name !== null },
    });
    return { ok: true as const, id };
  });
}

/** Saves the current filters of the inbox under a name, for the person who saves them. */
export async function saveView(
  ctx: AppContext,
  viewer: Viewer | null,
  name: string,
  filters: Record<string, string>,
): Promise<number> {
  authorizeInbox(viewer, 'read');
  const clean = name.trim();
  if (clean === '' || clean.length > 80) throw new AppError('INBOX_VIEW_INVALID');
  return insertSavedView(ctx.db, viewer.organisationId, viewer.id, clean, filters);
}

/** Deletes one of the viewer's own saved views. */
export async function removeView(ctx: AppContext, viewer: Viewer | null, viewId: number): Promise<void> {
  authorizeInbox(viewer, 'read');
  if (!(await deleteSavedView(ctx.db, viewer.organisationId, viewer.id, viewId))) throw new AppError('NOT_FOUND');
}

/** Checks a template's name and texts (in the city's languages; empty ones dropped). */
function cleanTemplate(
  organisation: Organisation,
  name: string,
  texts: Translated,
): { name: string; texts: Translated } {
  const cleanTexts: Translated = {};
  for (const [language, text] of Object.entries(texts)) {
    const clean = text.replace(/\r\n/g, '\n').trim();
    if (organisation.languages.includes(language) && clean !== '') cleanTexts[language] = clean;
  }
  const cleanName = name.trim();
  if (
    cleanName === '' ||
    cleanName.length > 120 ||
    Object.keys(cleanTexts).length === 0 ||
    Object.values(cleanTexts).some((text) => text.length > 10_000)
  )
    throw new AppError('INBOX_TEMPLATE_INVALID');
  return { name: cleanName, texts: cleanTexts };
}

/** Creates an answer template (administrators). Audited. */
export async function createTemplate(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  name: string,
  texts: Translated,
): Promise<number> {
  authorizeInbox(viewer, 'configure');
  const clean = cleanTemplate(organisation, name, texts);
  return ctx.db.transaction().execute(async (tx) => {
    const id = await insertTemplate(tx, organisation.id, clean.name, clean.texts);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'inbox.template.create',
      subjectType: 'inbox_template',
      subjectId: id,
      after: clean,
    });
    return id;
  });
}

/** Changes a template's name and texts, or archives it / brings it back (administrators). Audited. */
export async function changeTemplate(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  templateId: number,
  change: { name: string; texts: Translated } | { archived: boolean },
): Promise<void> {
  authorizeInbox(viewer, 'configure');
  const before = await findTemplate(ctx.db, organisation.id, templateId);
  if (!before) throw new AppError('INBOX_TEMPLATE_NOT_FOUND');
  const after =
    'archived' in change ? { archived: change.archived } : cleanTemplate(organisation, change.name, change.texts);
  await ctx.db.transaction().execute(async (tx) => {
    await updateTemplate(tx, organisation.id, templateId, after);
    const action =
      'archived' in after
        ? after.archived
          ? 'inbox.template.archive'
          : 'inbox.template.restore'
        : 'inbox.template.edit';
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action,
      subjectType: 'inbox_template',
      subjectId: templateId,
      before: { name: before.name, texts: before.texts, archived: before.archived },
      after,
    });
  });
}
