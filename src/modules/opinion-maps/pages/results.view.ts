import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import type { OpinionMapResult, VoteCounts } from '../math/compute.ts';
import type { ResultsView } from '../opinion-maps.use-cases.ts';
import { groupLabel, percent, translated } from './shared.ts';

/** Colours of groups A–E on white, each at least 3:1 against the background (WCAG 1.4.11). */
const COLOURS = ['#1f5fa8', '#b34700', '#2e7d32', '#7b3fa0', '#a0142e'];
/** At most this many points are drawn (every n-th); the text and tables cover everyone. */
const MAX_POINTS = 1500;

function share(counts: VoteCounts, key: 'agree' | 'disagree'): number {
  const total = counts.agree + counts.disagree + counts.pass;
  return total > 0 ? counts[key] / total : 0;
}

/** The results page's main part: groups in words, consensus, the viewer's place, the table, then the map. */
export function resultsMain(request: FastifyRequest, view: ResultsView): Html {
  const t = request.t;
  const { map, result } = view;
  const text = new Map(view.statements.map((s) => [s.id, s.text]));
  const quote = (id: number): Html => html`<q>${text.get(id) ?? ''}</q>`;
  const header = html`<p><a href="/opinion-maps/${map.id}">${translated(request, map.question)}</a></p>
    <h1>${t('opinionMaps.results.title')}</h1>`;
  if (!result || result.participants === 0) return html`${header}<p>${t('opinionMaps.results.none')}</p>`;

  const groups = result.groups.map(
    (group, index) => html`<section aria-labelledby="group-${index}">
      <h3 id="group-${index}">${t('opinionMaps.results.group', { label: groupLabel(index), people: t('opinionMaps.people', { count: group.members }) })}</h3>
      ${
        group.representative.length === 0
          ? html`<p>${t('opinionMaps.results.noRepresentative')}</p>`
          : html`<ul>${group.representative.map(
              (r) =>
                html`<li>${t(r.direction === 'agree' ? 'opinionMaps.results.agrees' : 'opinionMaps.results.disagrees', {
                  share: percent(request, r.probability),
                })} ${quote(r.statement)}</li>`,
            )}</ul>`
      }
    </section>`,
  );

  const consensus =
    result.consensus.agree.length + result.consensus.disagree.length === 0
      ? html`<p>${t('opinionMaps.results.noConsensus')}</p>`
      : html`<ul>
          ${result.consensus.agree.map((c) => html`<li>${t('opinionMaps.results.allAgree')} ${quote(c.statement)}</li>`)}
          ${result.consensus.disagree.map((c) => html`<li>${t('opinionMaps.results.allDisagree')} ${quote(c.statement)}</li>`)}
        </ul>`;

  const table = html`<div class="table-scroll"><table>
    <caption>${t('opinionMaps.results.tableCaption')}</caption>
    <thead><tr><th scope="col">${t('opinionMaps.results.statement')}</th><th scope="col">${t('opinionMaps.results.everyone')}</th>
      ${result.groups.map((_, i) => html`<th scope="col">${t('opinionMaps.results.groupShort', { label: groupLabel(i) })}</th>`)}</tr></thead>
    <tbody>${result.statementResults.map(
      (s) => html`<tr><th scope="row">${text.get(s.statement) ?? ''}</th>
        ${[s.total, ...s.groups].map(
          (c) =>
            html`<td>${t('opinionMaps.results.cell', { agree: percent(request, share(c, 'agree')), disagree: percent(request, share(c, 'disagree')) })}</td>`,
        )}</tr>`,
    )}</tbody></table></div>`;

  return html`${header}
    <p>${t('opinionMaps.results.summary', { people: t('opinionMaps.people', { count: result.participants }), groups: t('opinionMaps.groups', { count: result.groups.length }) })}
      ${view.computedAt ? t('opinionMaps.results.computedAt', { date: formatDate(request, view.computedAt, true) }) : ''}</p>
    <div class="opinion-map-results">
      <div>
        ${standing(request, view, result)}
        <h2>${t('opinionMaps.results.groupsHeading')}</h2>
        ${groups}
        <h2>${t('opinionMaps.results.consensusHeading')}</h2>
        ${consensus}
      </div>
      ${svgMap(request, view, result)}
    </div>
    <h2>${t('opinionMaps.results.tableHeading')}</h2>
    ${table}
    <p><a href="/api/v1/opinion-maps/${map.id}/results">${t('opinionMaps.results.json')}</a> ·
      <a href="/opinion-maps/${map.id}/votes.csv">${t('opinionMaps.results.csv')}</a></p>`;
}

/** "Where do I stand": the viewer's group, and how often they voted with its majority. */
function standing(request: FastifyRequest, view: ResultsView, result: OpinionMapResult): Html {
  const t = request.t;
  if (!view.own || view.own.number === null) return html``;
  const point = result.points.find((p) => p.participant === view.own?.number);
  let body: Html;
  if (!point) body = html`<p>${t('opinionMaps.standing.notYet')}</p>`;
  else if (point.group === null) body = html`<p>${t('opinionMaps.standing.tooFew', { count: result.minVotes })}</p>`;
  else {
    const g = point.group;
    let withGroup = 0;
    for (const s of result.statementResults) {
      const vote = view.own.votes.get(s.statement);
      const counts = s.groups[g];
      if (vote === undefined || vote === 0 || !counts) continue;
      const majority = counts.agree > counts.disagree ? 1 : counts.disagree > counts.agree ? -1 : 0;
      if (vote === majority) withGroup++;
    }
    body = html`<p>${t('opinionMaps.standing.inGroup', { label: groupLabel(g) })}
      ${t('opinionMaps.standing.withGroup', { count: withGroup })}</p>`;
  }
  return html`<section aria-labelledby="standing"><h2 id="standing">${t('opinionMaps.standing.heading')}</h2>${body}</section>`;
}

/** The map: every participant a dot coloured by group, groups labelled at their centre, the viewer ringed. */
function svgMap(request: FastifyRequest, view: ResultsView, result: OpinionMapResult): Html {
  const t = request.t;
  const extent = Math.max(1e-9, ...result.points.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))));
  const scale = (v: number): string => ((v / extent) * 45 + 50).toFixed(2);
  const step = Math.max(1, Math.ceil(result.points.length / MAX_POINTS));
  const drawn = result.points.filter((_, i) => i % step === 0);
  const own = view.own?.number ?? null;
  const me = own === null ? undefined : result.points.find((p) => p.participant === own);
  return html`<figure class="opinion-map-figure">
    <svg viewBox="0 0 100 100" width="320" height="320" role="img" aria-labelledby="map-title map-desc">
      <title id="map-title">${t('opinionMaps.map.title')}</title>
      <desc id="map-desc">${t('opinionMaps.map.description')}</desc>
      <rect x="0" y="0" width="100" height="100" fill="#fff" stroke="#767676" stroke-width="0.3"/>
      ${drawn.map(
        (p) =>
          html`<circle cx="${scale(p.x)}" cy="${scale(-p.y)}" r="0.9" fill="${p.group === null ? '#767676' : (COLOURS[p.group] ?? '#000')}" fill-opacity="0.6"/>`,
      )}
      ${result.groups.map(
        (g, i) =>
          html`<text x="${scale(g.centroid[0])}" y="${scale(-g.centroid[1])}" font-size="6" font-weight="bold" text-anchor="middle" fill="#000" stroke="#fff" stroke-width="0.6" paint-order="stroke">${groupLabel(i)}</text>`,
      )}
      ${me ? html`<circle cx="${scale(me.x)}" cy="${scale(-me.y)}" r="2.5" fill="none" stroke="#000" stroke-width="0.8"/><text x="${scale(me.x)}" y="${(Number(scale(-me.y)) - 3.5).toFixed(2)}" font-size="4" text-anchor="middle" fill="#000">${t('opinionMaps.map.you')}</text>` : ''}
    </svg>
    <figcaption>${t('opinionMaps.map.caption')}</figcaption>
  </figure>`;
}
