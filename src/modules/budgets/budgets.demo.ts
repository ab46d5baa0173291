import type { AppContext } from '../../platform/context.ts';
import { findViewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcessBySlug } from '../participation/index.ts';
import { findDistricts } from '../places/index.ts';
import { upsertBallot } from './ballots.repository.ts';
import { seedResidentProjects } from './projects.demo.ts';
import type { Phase } from './budgets.schema.ts';
import {
  addHeading,
  addMilestone,
  createBudget,
  saveProject,
  setPhases,
  updateFollowUp,
  type BudgetInput,
} from './budget-admin.use-cases.ts';
import { publishResults } from './results.use-cases.ts';

const DAY = 86_400_000;

interface DemoProject {
  heading: string; // 'city' or a district code
  cost: number;
  title: Translated;
  description: Translated;
  feasible?: boolean;
  explanation?: Translated;
}

const THIS_YEAR: DemoProject[] = [
  {
    heading: 'city',
    cost: 480_000,
    title: {
      en: 'Protected bike lanes on the ring road',
      it: 'Piste ciclabili protette sulla circonvallazione',
      fr: 'Pistes cyclables protégées sur le boulevard circulaire',
      de: 'Geschützte Radwege am Ring',
    },
    description: {
      en: 'Six kilometres of bike lanes separated from traffic, linking every district.',
      it: 'Sei chilometri di piste separate dal traffico che collegano tutti i quartieri.',
    },
  },
  {
    heading: 'city',
    cost: 350_000,
    title: {
      en: 'Shade trees on school routes',
      it: 'Alberi da ombra sui percorsi casa-scuola',
      ro: 'Copaci pe traseele spre școală',
    },
    description: {
      en: 'Two hundred trees along the streets children walk to school.',
      it: 'Duecento alberi lungo le strade che i bambini percorrono per andare a scuola.',
    },
  },
  {
    heading: 'city',
    cost: 300_000,
    title: {
      en: 'Free drinking fountains',
      it: 'Fontanelle di acqua potabile',
      fr: 'Fontaines d’eau potable gratuites',
    },
    description: {
      en: 'Thirty new fountains in squares, parks and at bus stops.',
      fr: 'Trente nouvelles fontaines sur les places, dans les parcs et aux arrêts de bus.',
    },
  },
  {
    heading: 'city',
    cost: 250_000,
    title: { en: 'Night bus line N1', it: 'Linea notturna N1', ro: 'Linia de noapte N1' },
    description: {
      en: 'A night bus every 30 minutes on Fridays and Saturdays.',
      it: 'Un autobus notturno ogni 30 minuti il venerdì e il sabato.',
    },
  },
  {
    heading: 'city',
    cost: 900_000,
    title: { en: 'Covered swimming pool', it: 'Piscina coperta' },
    description: {
      en: 'A public indoor pool near the station.',
      it: 'Una piscina pubblica coperta vicino alla stazione.',
    },
    feasible: false,
    explanation: {
      en: 'It costs more than the whole city-wide heading; the council will study it for the multi-year plan.',
      it: 'Costa più dell’intero importo cittadino; il Consiglio la valuterà nel piano pluriennale.',
    },
  },
  {
    heading: 'old-town',
    cost: 120_000,
    title: { en: 'Benches and lighting in Market Lanes', it: 'Panchine e luci nei Vicoli del Mercato' },
    description: {
      en: 'Benches every hundred metres and warm LED lights.',
      it: 'Panchine ogni cento metri e luci LED calde.',
    },
  },
  {
    heading: 'old-town',
    cost: 90_000,
    title: { en: 'Restore the cathedral square fountain', it: 'Restauro della fontana di piazza del Duomo' },
    description: {
      en: 'Clean, repair and light the 18th-century fountain.',
      it: 'Pulire, riparare e illuminare la fontana del Settecento.',
    },
  },
  {
    heading: 'harbour',
    cost: 150_000,
    title: {
      en: 'Fishermen’s Wharf playground',
      it: 'Parco giochi al Molo dei Pescatori',
      ro: 'Loc de joacă la Cheiul Pescarilor',
    },
    description: {
      en: 'A playground with shade and seating for parents.',
      ro: 'Un loc de joacă cu umbră și bănci pentru părinți.',
    },
  },
  {
    heading: 'harbour',
    cost: 70_000,
    title: { en: 'Bike racks at the ferry terminal', it: 'Rastrelliere al terminal dei traghetti' },
    description: { en: 'Covered parking for 120 bicycles.', it: 'Parcheggio coperto per 120 biciclette.' },
  },
  {
    heading: 'riverside',
    cost: 160_000,
    title: {
      en: 'Riverside running track',
      it: 'Pista da corsa sul Lungofiume',
      fr: 'Piste de course au bord de la rivière',
    },
    description: { en: 'A lit 3 km track along the river.', fr: 'Une piste éclairée de 3 km le long de la rivière.' },
  },
  {
    heading: 'riverside',
    cost: 60_000,
    title: { en: 'Community garden at Mill Gardens', it: 'Orto condiviso ai Giardini del Mulino' },
    description: {
      en: 'Forty plots for residents, with water and a tool shed.',
      it: 'Quaranta orti per i residenti, con acqua e un capanno.',
    },
  },
  {
    heading: 'station',
    cost: 140_000,
    title: {
      en: 'Safer crossing at New Square',
      it: 'Attraversamento sicuro in Piazza Nuova',
      de: 'Sicherer Übergang am Neuen Platz',
    },
    description: { en: 'A raised crossing and a traffic island.', de: 'Ein erhöhter Übergang und eine Verkehrsinsel.' },
  },
  {
    heading: 'university',
    cost: 110_000,
    title: { en: 'Study room open until midnight', it: 'Aula studio aperta fino a mezzanotte' },
    description: { en: 'A municipal study room with 80 seats.', it: 'Un’aula studio comunale con 80 posti.' },
  },
  {
    heading: 'north-hills',
    cost: 95_000,
    title: { en: 'Footpath to the Observatory', it: 'Sentiero per l’Osservatorio' },
    description: { en: 'Repair and signpost the old footpath.', it: 'Riparare e segnalare il vecchio sentiero.' },
  },
];

const LAST_YEAR: DemoProject[] = [
  {
    heading: 'city',
    cost: 400_000,
    title: { en: 'New lighting in underpasses', it: 'Nuova illuminazione nei sottopassi' },
    description: {
      en: 'Bright, vandal-proof lights in all 12 underpasses.',
      it: 'Luci robuste e luminose in tutti i 12 sottopassi.',
    },
  },
  {
    heading: 'city',
    cost: 350_000,
    title: { en: 'Bike sharing in every district', it: 'Bike sharing in ogni quartiere' },
    description: { en: 'Twelve new stations.', it: 'Dodici nuove stazioni.' },
  },
  {
    heading: 'city',
    cost: 300_000,
    title: { en: 'Public toilets in parks', it: 'Bagni pubblici nei parchi' },
    description: { en: 'Six accessible toilets.', it: 'Sei bagni accessibili.' },
  },
  {
    heading: 'city',
    cost: 200_000,
    title: { en: 'Library opening on Sundays', it: 'Biblioteca aperta la domenica' },
    description: {
      en: 'Two libraries open on Sundays for a year.',
      it: 'Due biblioteche aperte la domenica per un anno.',
    },
  },
  {
    heading: 'city',
    cost: 150_000,
    title: { en: 'Dog parks', it: 'Aree cani' },
    description: { en: 'Three fenced dog parks.', it: 'Tre aree cani recintate.' },
  },
  {
    heading: 'old-town',
    cost: 100_000,
    title: { en: 'Flower boxes in the old town', it: 'Fioriere nel centro storico' },
    description: { en: 'Planters on the main squares.', it: 'Fioriere nelle piazze principali.' },
  },
  {
    heading: 'old-town',
    cost: 80_000,
    title: { en: 'Accessible ramps to the museum', it: 'Rampe accessibili al museo' },
    description: { en: 'Ramps and a lift.', it: 'Rampe e un ascensore.' },
  },
  {
    heading: 'harbour',
    cost: 90_000,
    title: { en: 'Harbour promenade benches', it: 'Panchine sulla passeggiata del porto' },
    description: { en: 'Forty benches.', it: 'Quaranta panchine.' },
  },
  {
    heading: 'harbour',
    cost: 120_000,
    title: { en: 'Outdoor gym at the beach', it: 'Palestra all’aperto in spiaggia' },
    description: { en: 'Fitness equipment by the sea.', it: 'Attrezzi fitness in riva al mare.' },
  },
];

/** A small deterministic random generator, so the demo is the same on every installation. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function buildBudget(
  ctx: AppContext,
  organisation: Organisation,
  staffId: number,
  input: BudgetInput,
  phases: Array<[Phase, number, number | null]>,
  projects: DemoProject[],
  amounts: { city: number; district: number },
) {
  const viewer = await findViewer(ctx.db, organisation.id, staffId);
  if (!viewer) throw new Error('demo staff member missing');
  const created = await createBudget(ctx, viewer, organisation, input);
  if (!created.ok) throw new Error(`demo budget invalid: ${JSON.stringify(created.fields)}`);
  const now = Date.now();
  const dated = await setPhases(
    ctx,
    viewer,
    organisation,
    created.id,
    phases.map(([kind, start, end]) => ({
      kind,
      startsAt: new Date(now + start * DAY),
      endsAt: end === null ? null : new Date(now + end * DAY),
    })),
  );
  if (!dated.ok) throw new Error(`demo phases invalid: ${JSON.stringify(dated.fields)}`);
  const districts = (await findDistricts(ctx.db, organisation.id)).filter((d) => d.kind === 'district');
  const headings = new Map<string, number>();
  const city = await addHeading(ctx, viewer, organisation, created.id, {
    name: { en: 'Whole city', it: 'Tutta la città', fr: 'Toute la ville', ro: 'Tot orașul', de: 'Ganze Stadt' },
    districtId: null,
    amount: amounts.city,
  });
  if (!city.ok) throw new Error('demo heading invalid');
  headings.set('city', city.id);
  for (const district of districts) {
    const heading = await addHeading(ctx, viewer, organisation, created.id, {
      name: district.name,
      districtId: district.id,
      amount: amounts.district,
    });
    if (heading.ok) headings.set(district.code, heading.id);
  }
  const projectIds: Array<{ id: number; heading: number; cost: number }> = [];
  for (const project of projects) {
    const headingId = headings.get(project.heading);
    if (headingId === undefined) continue;
    const feasible = project.feasible !== false;
    const saved = await saveProject(ctx, viewer, organisation, created.id, null, {
      headingId,
      title: project.title,
      description: project.description,
      cost: project.cost,
      feasibility: feasible ? 'feasible' : 'unfeasible',
      feasibilityExplanation: project.explanation ?? {},
      status: feasible ? 'selected' : 'rejected',
    });
    if (!saved.ok) throw new Error(`demo project invalid: ${JSON.stringify(saved.fields)}`);
    if (feasible) projectIds.push({ id: saved.id, heading: headingId, cost: project.cost });
  }
  return { viewer, budgetId: created.id, headings, projectIds };
}

/**
 * Three budgets: this year's, in its balloting phase (knapsack ballots, verified residents aged 14 and
 * over, two demo residents have already voted) and part of the master-plan process; last year's,
 * approval ballots counted with the Method of Equal Shares, results published, funded projects
 * followed with progress and milestones; and next year's, collecting supports for projects residents
 * proposed. Ballots and supports come from 150 demo voter accounts that cannot sign in (no e-mail, no
 * password).
 */
export async function seedBudgets(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const staffId = people.staff.participation ?? people.admin;
  const base: Omit<BudgetInput, 'title' | 'description' | 'votingRule' | 'maxProjects' | 'resultsMethod'> = {
    processId: null,
    maxVotes: null,
    maxVotesPerProject: null,
    minShare: null,
    eligibilityLevel: 'verified',
    minAge: 14,
    maxAge: null,
    districtResidentsOnly: false,
    phaseOverride: null,
  };

  // Last year's budget first, so this year's is listed on top.
  const last = await buildBudget(
    ctx,
    organisation,
    staffId,
    {
      ...base,
      title: {
        en: 'Participatory budget 2026',
        it: 'Bilancio partecipativo 2026',
        fr: 'Budget participatif 2026',
        ro: 'Bugetul participativ 2026',
        de: 'Bürgerhaushalt 2026',
      },
      description: {
        en: 'Last year residents chose how to spend 1.4 million euros. Here are the results and how the funded projects are going.',
        it: 'L’anno scorso i residenti hanno scelto come spendere 1,4 milioni di euro. Ecco i risultati e lo stato dei progetti finanziati.',
      },
      votingRule: 'approval',
      maxProjects: 3,
      resultsMethod: 'equal_shares',
    },
    [
      ['submitting', -400, -370],
      ['supporting', -370, -340],
      ['review', -340, -310],
      ['balloting', -310, -290],
      ['results', -290, -280],
      ['follow_up', -280, null],
    ],
    LAST_YEAR,
    { city: 800_000, district: 100_000 },
  );
  const voters = await ctx.db
    .insertInto('core_user')
    .values(
      Array.from({ length: 150 }, (_, i) => ({
        organisation_id: organisation.id,
        email: null,
        display_name: `Demo voter ${i + 1}`,
        password_hash: null,
        role: 'resident' as const,
        email_confirmed_at: new Date(),
        birth_year: 1950 + (i % 55),
        deleted_at: null,
      })),
    )
    .returning('id')
    .execute();
  const next = random(2026);
  const popularity = new Map(last.projectIds.map((p, i) => [p.id, 0.15 + ((i * 37) % 10) / 14]));
  for (const voter of voters) {
    // Everyone votes city-wide; six in ten also vote in one district heading.
    const districtCodes = [...last.headings.keys()].filter((code) => code !== 'city');
    const district = next() < 0.6 ? districtCodes[Math.floor(next() * districtCodes.length)] : undefined;
    for (const [code, headingId] of last.headings) {
      if (code !== 'city' && code !== district) continue;
      const choices = last.projectIds
        .filter((p) => p.heading === headingId && next() < (popularity.get(p.id) ?? 0.3))
        .slice(0, 3);
      if (choices.length === 0) continue;
      await upsertBallot(ctx.db, {
        organisationId: organisation.id,
        budgetId: last.budgetId,
        headingId,
        userId: voter.id,
        districtHeading: code !== 'city',
        projectIds: choices.map((c) => c.id).sort((a, b) => a - b),
        votes: choices.map(() => 1),
        totalCost: choices.reduce((s, c) => s + c.cost, 0),
      });
    }
  }
  const published = await publishResults(ctx, last.viewer, organisation, last.budgetId);
  if (!published.ok) throw new Error(`demo results not published: ${published.code}`);
  const funded = published.headings.flatMap((h) => h.rows.filter((r) => r.funded).map((r) => r.projectId));
  const stages = [
    {
      status: 'completed' as const,
      progress: 100,
      milestones: [
        ['Works contract signed', 'Contratto firmato', -250, 10],
        ['Works started', 'Lavori iniziati', -200, 40],
        ['Opened to the public', 'Aperto al pubblico', -60, 100],
      ] as const,
    },
    {
      status: 'in_progress' as const,
      progress: 60,
      milestones: [
        ['Design approved', 'Progetto approvato', -240, 20],
        ['Works started', 'Lavori iniziati', -120, 60],
      ] as const,
    },
    {
      status: 'planned' as const,
      progress: 10,
      milestones: [['Tender published', 'Bando pubblicato', -30, 10]] as const,
    },
  ];
  for (const [index, projectId] of funded.entries()) {
    const stage = stages[index % stages.length] as (typeof stages)[number];
    await updateFollowUp(ctx, last.viewer, organisation, last.budgetId, projectId, {
      status: stage.status,
      progress: stage.progress,
    });
    for (const [en, it, days, progress] of stage.milestones) {
      await addMilestone(ctx, last.viewer, organisation, last.budgetId, projectId, {
        title: { en, it },
        description: {},
        happenedOn: new Date(Date.now() + days * DAY).toISOString().slice(0, 10),
        progress,
      });
    }
  }

  const current = await buildBudget(
    ctx,
    organisation,
    staffId,
    {
      ...base,
      title: {
        en: 'Participatory budget 2027',
        it: 'Bilancio partecipativo 2027',
        fr: 'Budget participatif 2027',
        ro: 'Bugetul participativ 2027',
        de: 'Bürgerhaushalt 2027',
      },
      description: {
        en: 'Choose how 2.4 million euros of next year’s budget are spent: projects for the whole city, and projects in one district of your choice.\n\nPick projects until the money of a heading runs out. You can change your ballot until voting closes.',
        it: 'Scegli come spendere 2,4 milioni di euro del bilancio del prossimo anno: progetti per tutta la città e progetti in un quartiere a tua scelta.\n\nScegli i progetti finché i fondi non finiscono. Puoi cambiare il voto fino alla chiusura.',
        fr: 'Choisissez comment dépenser 2,4 millions d’euros : des projets pour toute la ville et des projets dans un quartier de votre choix.',
      },
      // The budget the master-plan process puts to the vote (budgets.process_id; the process page lists it).
      processId: (await findProcessBySlug(ctx.db, organisation.id, 'master-plan-2040'))?.id ?? null,
      votingRule: 'knapsack',
      maxProjects: null,
      resultsMethod: 'votes',
    },
    [
      ['submitting', -120, -90],
      ['supporting', -90, -60],
      ['review', -60, -5],
      ['balloting', -5, 20],
      ['results', 20, 30],
      ['follow_up', 30, null],
    ],
    THIS_YEAR,
    { city: 1_200_000, district: 200_000 },
  );
  const cityHeading = current.headings.get('city') as number;
  const harbour = current.headings.get('harbour');
  const cityProjects = current.projectIds.filter((p) => p.heading === cityHeading);
  const [giulia, andrei] = people.residents;
  const ballots: Array<[number | undefined, number | undefined, typeof cityProjects]> = [
    [giulia, cityHeading, cityProjects.slice(0, 2)],
    [
      andrei,
      cityHeading,
      [cityProjects[0], cityProjects[3]].filter((p): p is (typeof cityProjects)[number] => p !== undefined),
    ],
    [andrei, harbour, current.projectIds.filter((p) => p.heading === harbour).slice(0, 1)],
  ];
  for (const [userId, headingId, chosen] of ballots) {
    if (userId === undefined || headingId === undefined || chosen.length === 0) continue;
    await upsertBallot(ctx.db, {
      organisationId: organisation.id,
      budgetId: current.budgetId,
      headingId,
      userId,
      districtHeading: headingId !== cityHeading,
      projectIds: chosen.map((c) => c.id).sort((a, b) => a - b),
      votes: chosen.map(() => 1),
      totalCost: chosen.reduce((s, c) => s + c.cost, 0),
    });
  }

  const nextYear = await buildBudget(
    ctx,
    organisation,
    staffId,
    {
      ...base,
      title: {
        en: 'Participatory budget 2028',
        it: 'Bilancio partecipativo 2028',
        fr: 'Budget participatif 2028',
        ro: 'Bugetul participativ 2028',
        de: 'Bürgerhaushalt 2028',
      },
      description: {
        en: 'Residents proposed projects for 2028. Support the ones you want on the ballot: up to five per heading. The most supported go to the city’s review in a month.',
        it: 'I residenti hanno proposto i progetti per il 2028. Sostenete quelli che volete sulla scheda: fino a cinque per ambito. I più sostenuti passano fra un mese alla valutazione del Comune.',
      },
      eligibilityLevel: 'email',
      minAge: 16,
      votingRule: 'approval',
      maxProjects: 3,
      resultsMethod: 'votes',
      maxSupportsPerHeading: 5,
    },
    [
      ['submitting', -45, -12],
      ['supporting', -12, 18],
      ['review', 18, 48],
      ['balloting', 48, 68],
      ['results', 68, 78],
      ['follow_up', 78, null],
    ],
    [],
    { city: 900_000, district: 150_000 },
  );
  await seedResidentProjects(ctx, organisation, {
    budgetId: nextYear.budgetId,
    headings: nextYear.headings,
    authors: people.residents,
    supporters: voters.map((v) => v.id),
  });
}
