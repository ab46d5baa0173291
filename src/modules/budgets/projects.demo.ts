import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistrictsWithGeometry } from '../places/index.ts';

interface DemoProposal {
  heading: string; // 'city' or a district code
  author: number; // index into the demo residents
  showAuthor: boolean;
  cost: number;
  title: Translated;
  description: Translated;
  /** Where in the heading's district, as fractions of its box from the south-west corner. */
  place?: [number, number];
  /** The share of demo voters supporting it. */
  popularity: number;
}

// Residents write in their own language; the pages mark a text in another language with `lang`.
const PROPOSALS: DemoProposal[] = [
  {
    heading: 'city',
    author: 0,
    showAuthor: true,
    cost: 320_000,
    popularity: 0.55,
    title: { it: 'Pedibus: percorsi sicuri casa-scuola' },
    description: {
      it: 'Strisce pedonali rialzate, segnaletica e volontari formati su dieci percorsi verso le scuole elementari.\n\nI bambini vanno a scuola a piedi insieme, e le strade intorno alle scuole diventano più tranquille.',
    },
  },
  {
    heading: 'city',
    author: 1,
    showAuthor: false,
    cost: 260_000,
    popularity: 0.4,
    title: { ro: 'Stații de reparat biciclete' },
    description: {
      ro: 'Douăsprezece stații cu pompă și unelte, lângă parcuri și stațiile de autobuz, pentru reparații rapide.',
    },
  },
  {
    heading: 'city',
    author: 2,
    showAuthor: true,
    cost: 180_000,
    popularity: 0.3,
    title: { fr: 'Boîtes à livres dans chaque quartier', en: 'Book-swap boxes in every district' },
    description: {
      fr: 'Des boîtes à livres abritées de la pluie, entretenues avec les bibliothèques de quartier.',
      en: 'Rain-proof book-swap boxes, looked after with the district libraries.',
    },
  },
  {
    heading: 'city',
    author: 0,
    showAuthor: true,
    cost: 450_000,
    popularity: 0.22,
    title: { en: 'Solar panels on school roofs' },
    description: {
      en: 'Panels on four school roofs; the savings pay for school trips. Pupils follow the production on a screen in the hall.',
    },
  },
  {
    heading: 'harbour',
    author: 1,
    showAuthor: true,
    cost: 85_000,
    popularity: 0.18,
    place: [0.6, 0.4],
    title: { en: 'Shade and water at the ferry queue' },
    description: { en: 'A canopy and a drinking fountain where people wait for the summer ferries in full sun.' },
  },
  {
    heading: 'riverside',
    author: 2,
    showAuthor: false,
    cost: 120_000,
    popularity: 0.2,
    place: [0.3, 0.5],
    title: { fr: 'Un ponton de baignade surveillé', en: 'A supervised swimming pontoon' },
    description: {
      fr: 'Un ponton flottant sur la rivière, surveillé en juillet et août, avec des vestiaires.',
      en: 'A floating pontoon on the river, supervised in July and August, with changing rooms.',
    },
  },
  {
    heading: 'old-town',
    author: 3,
    showAuthor: true,
    cost: 60_000,
    popularity: 0.12,
    place: [0.5, 0.5],
    title: { en: 'Free Wi-Fi and sockets in the library courtyard' },
    description: { en: 'So students can work outside in spring: Wi-Fi, sockets and a few tables under the arcades.' },
  },
  {
    heading: 'university',
    author: 0,
    showAuthor: false,
    cost: 140_000,
    popularity: 0.15,
    title: { it: 'Rastrelliere coperte al Campus' },
    description: { it: 'Duecento posti bici coperti e illuminati vicino alle aule, con stalli per le cargo bike.' },
  },
];

/** The same numbers on every installation. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * Projects residents proposed to the demo budget in its supporting phase, some placed on the map and
 * some with their author's name, with supports from the demo voters (within the budget's limit of
 * five per heading: no heading has more than five projects) and two from the first demo resident, so
 * that she sees the "withdraw my support" form.
 */
export async function seedResidentProjects(
  ctx: AppContext,
  organisation: Organisation,
  input: { budgetId: number; headings: Map<string, number>; authors: number[]; supporters: number[] },
): Promise<void> {
  const districts = new Map((await findDistrictsWithGeometry(ctx.db, organisation.id)).map((d) => [d.code, d]));
  const next = random(2028);
  const created: Array<{ id: number; popularity: number }> = [];
  for (const [index, proposal] of PROPOSALS.entries()) {
    const headingId = input.headings.get(proposal.heading);
    if (headingId === undefined) continue;
    let place: { lat: number; lng: number } | null = null;
    const district = districts.get(proposal.heading);
    if (proposal.place && district?.geometry.type === 'Polygon') {
      const ring = district.geometry.coordinates[0] ?? [];
      const lngs = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      const [fx, fy] = proposal.place;
      place = {
        lng: Math.min(...lngs) + fx * (Math.max(...lngs) - Math.min(...lngs)),
        lat: Math.min(...lats) + fy * (Math.max(...lats) - Math.min(...lats)),
      };
    }
    const row = await ctx.db
      .insertInto('budgets_project')
      .values({
        organisation_id: organisation.id,
        budget_id: input.budgetId,
        heading_id: headingId,
        title: JSON.stringify(proposal.title),
        description: JSON.stringify(proposal.description),
        cost: proposal.cost,
        proposed_cost: proposal.cost,
        author_id: input.authors[proposal.author] ?? null,
        show_author: proposal.showAuthor,
        lat: place?.lat ?? null,
        lng: place?.lng ?? null,
        created_at: new Date(Date.now() - (40 - index * 3) * 86_400_000),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    created.push({ id: row.id, popularity: proposal.popularity });
  }
  const supports = input.supporters.flatMap((userId) =>
    created
      .filter((p) => next() < p.popularity)
      .map((p) => ({ organisation_id: organisation.id, budget_id: input.budgetId, project_id: p.id, user_id: userId })),
  );
  const first = input.authors[0];
  if (first !== undefined)
    supports.push(
      ...created.slice(1, 3).map((p) => ({
        organisation_id: organisation.id,
        budget_id: input.budgetId,
        project_id: p.id,
        user_id: first,
      })),
    );
  if (supports.length > 0)
    await ctx.db
      .insertInto('budgets_support')
      .values(supports)
      .onConflict((conflict) => conflict.doNothing())
      .execute();
}
