import type { SubjectSection } from '../../../platform/module.ts';
import { html } from '../../../platform/web/html.ts';
import { listMaps } from '../opinion-maps.use-cases.ts';
import { translated } from './shared.ts';

/** Under a participatory process's page, its opinion maps (the process page needs no import of this module). */
export const processOpinionMapsSection: SubjectSection = {
  order: 30,
  async render(request, ctx, subject) {
    if (subject.type !== 'process') return null;
    const maps = (await listMaps(ctx, null, request.organisation, subject.id)).filter((m) => m.status !== 'draft');
    if (maps.length === 0) return null;
    return html`<section aria-labelledby="process-opinion-maps"><h2 id="process-opinion-maps">${request.t('opinionMaps.title')}</h2><ul>${maps.map((m) => html`<li><a href="/opinion-maps/${m.id}">${translated(request, m.question)}</a></li>`)}</ul></section>`;
  },
};
