import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../../platform/web/html.ts';
import { formatDate } from '../../../../platform/web/layout.ts';
import type { District } from '../../../places/index.ts';
import { shownStatus, type Proposal } from '../../proposals.repository.ts';
import { categoryLabel, plain, statusTag, supportMeter } from '../shared.ts';

/** One proposal in a list: title, status, supports, category and district. */
export function proposalCard(
  request: FastifyRequest,
  proposal: Proposal,
  districts: District[],
  supported: boolean,
  headingLevel: 2 | 3 = 2,
): Html {
  const { t } = request;
  const district = districts.find((d) => d.id === proposal.districtId);
  const status = shownStatus(proposal);
  const link = html`<a href="/proposals/${proposal.id}">${proposal.title}</a>`;
  return html`<li class="proposal-card">
${headingLevel === 2 ? html`<h2>${link}</h2>` : html`<h3>${link}</h3>`}
<p>${statusTag(request, status)} <span class="muted">${categoryLabel(request, proposal.category)}${district ? html` · ${plain(request, district.name)}` : ''} · <time datetime="${proposal.createdAt.toISOString()}">${formatDate(request, proposal.createdAt)}</time></span>${supported ? html` <span class="tag">${t('participation.support.youSupport')}</span>` : ''}</p>
${supportMeter(request, proposal)}
</li>`;
}
