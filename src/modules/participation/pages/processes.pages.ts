import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate, renderPage } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findDebates } from '../conversation.repository.ts';
import { findMeetings } from '../meetings.repository.ts';
import { PART_ACTIONS, PARTS, type Action, type Part } from '../participation.schema.ts';
import {
  countContributions,
  currentPhase,
  findProcessBySlug,
  findProcesses,
  processTime,
  type Process,
  type ProcessTime,
} from '../processes.repository.ts';
import { findProposals } from '../proposals.repository.ts';
import { takePartBlocker } from '../use-cases/shared.ts';
import { blockerNotice } from './components/blocker-notice.ts';
import { debateCard } from './components/debate-card.ts';
import { meetingList } from './components/meeting-card.ts';
import { proposalCard } from './components/proposal-card.ts';
import { eligibilityText, paragraphs, phaseDates, plain, stylesheet, translated } from './shared.ts';

function partLine(request: FastifyRequest, part: Part, actions: Action[]): Html {
  const { t } = request;
  const allowed = PART_ACTIONS[part].filter((action) => actions.includes(action));
  return html`<li>${t(`participation.part.${part}` as MessageKey)}${allowed.length > 0 ? html`: ${allowed.map((a) => t(`participation.action.${a}` as MessageKey)).join(', ')}` : html` (${t('participation.part.readOnly')})`}</li>`;
}

/** The timeline of a process: every phase with its dates and the parts it opens, the current one marked. */
export function timeline(request: FastifyRequest, process: Process, headingLevel: 2 | 3 = 2): Html {
  const { t } = request;
  const current = currentPhase(process);
  const heading = t('participation.process.timeline');
  return html`${headingLevel === 2 ? html`<h2>${heading}</h2>` : html`<h3>${heading}</h3>`}
${process.phases.length === 0 ? html`<p>${t('participation.process.noPhases')}</p>` : ''}
<ol class="process-phases">${process.phases.map((phase) => {
    const open = PARTS.filter((part) => phase.parts[part] !== undefined);
    return html`<li${phase.id === current?.id ? raw(' aria-current="step"') : ''}><h3>${translated(request, phase.title)}${phase.id === current?.id ? html` <span class="tag">${t('participation.process.now')}</span>` : ''}</h3>
<p class="muted">${phaseDates(request, phase)}</p>
${open.length > 0 ? html`<ul class="process-parts">${open.map((part) => partLine(request, part, phase.parts[part] ?? []))}</ul>` : ''}</li>`;
  })}</ol>`;
}

function timeTag(request: FastifyRequest, time: ProcessTime): Html {
  return html`<span class="tag">${request.t(`participation.processes.${time}` as MessageKey)}</span>`;
}

/** Processes for residents: the list (open, upcoming, past) and each process with its timeline and parts. */
export function registerProcessPages(app: App, ctx: AppContext): void {
  app.get('/processes', async (request, reply) => {
    const { t } = request;
    const processes = await findProcesses(ctx.db, request.organisation.id);
    const counts = await countContributions(
      ctx.db,
      processes.map((p) => p.id),
    );
    const now = new Date();
    const group = (time: ProcessTime) => processes.filter((p) => processTime(p, now) === time);
    const section = (time: ProcessTime) => {
      const list = group(time);
      return html`<section aria-labelledby="processes-${time}"><h2 id="processes-${time}">${t(`participation.processes.${time}` as MessageKey)}</h2>
${
  list.length === 0
    ? html`<p>${t('participation.processes.none')}</p>`
    : html`<ul class="cards">${list.map((p) => {
        const phase = currentPhase(p, now);
        const count = counts.get(p.id);
        return html`<li class="card"><h3><a href="/processes/${p.slug}">${translated(request, p.title)}</a></h3>
${phase ? html`<p>${t('participation.process.currentPhase')}: <strong>${translated(request, phase.title)}</strong></p>` : ''}
${p.phases[0] ? html`<p class="muted">${formatDate(request, p.phases[0].startsAt)}</p>` : ''}
<p>${t('participation.process.proposalCount', { count: count?.proposals ?? 0 })} · ${t('participation.process.debateCount', { count: count?.debates ?? 0 })}</p></li>`;
      })}</ul>`
}</section>`;
    };
    return renderPage(request, reply, {
      title: t('participation.processes.title'),
      description: t('participation.processes.lead'),
      main: html`${stylesheet()}<h1>${t('participation.processes.title')}</h1>
<p>${t('participation.processes.lead')}</p>
<p><a href="/proposals">${t('participation.proposals.all')}</a></p>
${section('open')}${section('upcoming')}${section('past')}`,
    });
  });

  app.get<{ Params: { slug: string } }>('/processes/:slug', async (request, reply) => {
    const { t, organisation } = request;
    const process = await findProcessBySlug(ctx.db, organisation.id, request.params.slug);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    const now = new Date();
    const phase = currentPhase(process, now);
    const districts = await findDistricts(ctx.db, organisation.id);
    const scope = districts.filter((d) => process.districtIds.includes(d.id)).map((d) => plain(request, d.name));
    const [top, debates, otherParts, meetings] = await Promise.all([
      findProposals(ctx.db, organisation.id, { processId: process.id, sort: 'supports', limit: 5 }, now),
      findDebates(ctx.db, organisation.id, { processId: process.id, limit: 10 }),
      // the process's budgets and whatever else other modules attach to a process
      renderSubjectSections(request, ctx, { type: 'process', id: process.id }),
      findMeetings(ctx.db, organisation.id, process.id),
    ]);
    const canPropose = await takePartBlocker(ctx, request.viewer, organisation, process, 'proposals', 'create', now);
    const canDebate = await takePartBlocker(ctx, request.viewer, organisation, process, 'debates', 'create', now);
    const open = (part: Part) => phase?.parts[part] !== undefined;
    return renderPage(request, reply, {
      title: plain(request, process.title),
      description: plain(request, process.description).slice(0, 200) || t('participation.processes.lead'),
      ogType: 'article',
      main: html`${stylesheet()}<p><a href="/processes">${t('participation.processes.title')}</a></p>
<h1>${translated(request, process.title)}</h1>
<p>${timeTag(request, processTime(process, now))}${phase ? html` ${t('participation.process.currentPhase')}: <strong>${translated(request, phase.title)}</strong>` : ''}</p>
${paragraphs(request, process.description)}
<dl class="facts">
<dt>${t('participation.process.scope')}</dt><dd>${scope.length > 0 ? scope.join(', ') : t('participation.process.wholeCity')}</dd>
<dt>${t('participation.process.whoMay')}</dt><dd>${eligibilityText(request, process, scope)}</dd>
<dt>${t('participation.process.rules')}</dt><dd>${t('participation.process.rulesText', { supports: t('participation.process.rules.supports', { count: process.supportThreshold }), days: t('participation.process.rules.days', { count: process.supportDays }), answerDays: t('participation.process.rules.days', { count: process.answerDays }) })}</dd>
</dl>
${timeline(request, process)}
<section aria-labelledby="process-proposals"><h2 id="process-proposals">${t('participation.part.proposals')}</h2>
${open('proposals') && canPropose === undefined ? html`<p><a class="button" href="/processes/${process.slug}/proposals/new">${t('participation.proposal.new')}</a></p>` : open('proposals') && canPropose !== 'PARTICIPATION_CLOSED' ? blockerNotice(request, canPropose) : ''}
${top.length === 0 ? html`<p>${t('participation.proposals.empty')}</p>` : html`<ol class="proposal-list">${top.map((p) => proposalCard(request, p, districts, false, 3))}</ol>`}
<p><a href="/proposals?process=${process.slug}">${t('participation.proposals.seeAll')}</a> · <a href="/proposals?process=${process.slug}&amp;view=map">${t('participation.proposals.map')}</a></p></section>
<section aria-labelledby="process-debates"><h2 id="process-debates">${t('participation.part.debates')}</h2>
${open('debates') && canDebate === undefined ? html`<p><a class="button" href="/processes/${process.slug}/debates/new">${t('participation.debate.new')}</a></p>` : ''}
${debates.length === 0 ? html`<p>${t('participation.debates.empty')}</p>` : html`<ul class="debate-list">${debates.map((d) => debateCard(request, d))}</ul>`}</section>
${otherParts}
${
  open('meetings') || meetings.length > 0
    ? html`<section aria-labelledby="process-meetings"><h2 id="process-meetings">${t('participation.part.meetings')}</h2>
${meetingList(request, meetings, 3, now, 3)}
<p><a href="/processes/${process.slug}/meetings">${t('participation.meetings.all')}</a></p></section>`
    : ''
}`,
    });
  });
}
