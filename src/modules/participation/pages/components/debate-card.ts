import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../../platform/web/html.ts';
import type { Debate } from '../../conversation.repository.ts';

/** One debate in a list: its question and how many arguments each side has. */
export function debateCard(request: FastifyRequest, debate: Debate): Html {
  const { t } = request;
  return html`<li class="debate-card"><h3><a href="/debates/${debate.id}">${debate.title}</a></h3>
<p class="muted">${t('participation.debate.counts', { for: debate.argumentsFor, against: debate.argumentsAgainst, comments: t('participation.debate.commentCount', { count: debate.comments }) })}</p></li>`;
}
