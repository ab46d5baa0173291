import { randomInt } from 'node:crypto';
import { findViewer, type Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts } from '../places/index.ts';
import type { Category, PhaseParts } from './participation.schema.ts';
import { findProcess, type Process } from './processes.repository.ts';
import { changeSupportCount, insertProposal, insertSupport, storeAnswer } from './proposals.repository.ts';
import { answerProposal } from './use-cases/answer-proposal.ts';
import { postComment, voteComment } from './use-cases/comments.ts';
import { createProcess, savePhase, type ProcessInput } from './use-cases/manage-processes.ts';
import { createMeeting, publishMinutes, registerForMeeting, uploadPlan } from './use-cases/meetings.ts';
import { startDebate } from './use-cases/start-debate.ts';
import { submitProposal } from './use-cases/submit-proposal.ts';
import { supportProposal } from './use-cases/support-proposal.ts';

const DAY = 86_400_000;

function must<T extends { ok: boolean }>(outcome: T, what: string): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`demo ${what} refused: ${JSON.stringify(outcome)}`);
  return outcome as Extract<T, { ok: true }>;
}

async function process(
  ctx: AppContext,
  staff: Viewer,
  organisation: Organisation,
  input: ProcessInput,
  phases: Array<{ title: Record<string, string>; from: number; to: number; parts: PhaseParts }>,
): Promise<Process> {
  const { id } = must(await createProcess(ctx, staff, organisation, input), 'process');
  const now = Date.now();
  for (const phase of phases)
    must(
      await savePhase(ctx, staff, organisation, id, null, {
        title: phase.title,
        startsAt: new Date(now + phase.from * DAY),
        endsAt: new Date(now + phase.to * DAY),
        parts: phase.parts,
      }),
      'phase',
    );
  const created = await findProcess(ctx.db, organisation.id, id);
  if (!created) throw new Error('demo process vanished');
  return created;
}

/**
 * The demo's participation: a master-plan consultation open for proposals and debates (proposals past
 * and near their threshold, one answered, debates with argument threads), a youth process for 14–18
 * year olds, and last year's harbour consultation with its answers. Texts in English, Italian, French,
 * Romanian and German, as residents would write them.
 */
export async function seedParticipation(
  ctx: AppContext,
  organisation: Organisation,
  people: DemoPeople,
): Promise<void> {
  const staffId = people.staff.participation ?? people.admin;
  const staff = await findViewer(ctx.db, organisation.id, staffId);
  const moderator = await findViewer(ctx.db, organisation.id, people.moderator);
  if (!staff || !moderator) throw new Error('demo staff missing');
  const everyone = (
    await Promise.all(
      [people.admin, ...Object.values(people.staff), people.moderator, ...people.residents].map((id) =>
        findViewer(ctx.db, organisation.id, id),
      ),
    )
  ).filter((v): v is Viewer => v !== undefined);
  const residents = everyone.filter((v) => people.residents.includes(v.id));
  const [giulia, andrei, claire] = residents;
  if (!giulia || !andrei || !claire) throw new Error('demo residents missing');
  const districts = new Map((await findDistricts(ctx.db, organisation.id)).map((d) => [d.code, d.id]));
  const district = (code: string) => districts.get(code) ?? null;

  const plan = await process(
    ctx,
    staff,
    organisation,
    {
      slug: 'master-plan-2040',
      title: {
        en: 'Valmora 2040: the master plan',
        it: 'Valmora 2040: il piano regolatore',
        fr: 'Valmora 2040 : le plan d’urbanisme',
        ro: 'Valmora 2040: planul urbanistic general',
        de: 'Valmora 2040: der Flächennutzungsplan',
      },
      description: {
        en: 'The city is rewriting its master plan: where homes, parks, schools and workplaces will be for the next twenty years.\n\nPropose ideas, support the ones you like and debate the big questions. Proposals with 8 supports get a written answer from the city within 30 days.',
        it: 'La città sta riscrivendo il suo piano regolatore: dove saranno case, parchi, scuole e luoghi di lavoro nei prossimi vent’anni.\n\nProponete idee, sostenete quelle che vi piacciono e discutete le grandi questioni. Le proposte con 8 sostegni ricevono una risposta scritta entro 30 giorni.',
        fr: 'La ville réécrit son plan d’urbanisme : où seront les logements, les parcs, les écoles et les emplois pendant vingt ans.\n\nProposez des idées, soutenez celles qui vous plaisent et débattez des grandes questions. Les propositions qui réunissent 8 soutiens reçoivent une réponse écrite sous 30 jours.',
      },
      districtIds: [],
      eligibilityLevel: 'email',
      minAge: 14,
      maxAge: null,
      residentsOnly: false,
      supportThreshold: 8,
      supportDays: 120,
      answerDays: 30,
    },
    [
      {
        title: { en: 'Information and workshops', it: 'Informazione e laboratori', fr: 'Information et ateliers' },
        from: -60,
        to: -20,
        parts: { meetings: [] },
      },
      {
        title: { en: 'Proposals and debates', it: 'Proposte e dibattiti', fr: 'Propositions et débats' },
        from: -20,
        to: 40,
        parts: { proposals: ['create', 'support', 'comment'], debates: ['create', 'comment'], meetings: [] },
      },
      {
        title: {
          en: 'The city’s answers and the draft plan',
          it: 'Le risposte della città e la bozza del piano',
          fr: 'Les réponses de la ville et le projet de plan',
        },
        from: 40,
        to: 120,
        parts: { proposals: ['comment'], debates: ['comment'] },
      },
    ],
  );

  const proposals: Array<{
    author: Viewer;
    title: string;
    body: string;
    category: Category;
    district: string | null;
    place?: [number, number];
    supporters: number;
  }> = [
    {
      author: giulia,
      title: 'Trasformare l’ex caserma in un quartiere con case a prezzi accessibili',
      body: 'L’ex caserma vicino alla stazione è vuota da quindici anni. Propongo case in affitto a prezzi accessibili, un asilo nido e un piccolo parco aperto a tutti.',
      category: 'urbanism',
      district: 'station',
      place: [44.1052, 9.8301],
      supporters: 9,
    },
    {
      author: claire,
      title: 'Une ceinture verte continue le long de la rivière',
      body: 'Relier les jardins du Moulin, la piste de course et les berges par un parcours vert continu, sans voitures, avec des arbres et des bancs.',
      category: 'environment',
      district: 'riverside',
      place: [44.0991, 9.8182],
      supporters: 7,
    },
    {
      author: andrei,
      title: 'Parcare pentru biciclete la fiecare școală',
      body: 'Fiecare școală ar trebui să aibă parcare acoperită pentru biciclete, ca elevii să poată veni pe bicicletă în siguranță tot anul.',
      category: 'mobility',
      district: null,
      supporters: 5,
    },
    {
      author: giulia,
      title: 'Keep the harbour warehouses for culture and crafts',
      body: 'The old warehouses on the harbour should not become luxury flats. Let them host workshops, a market hall and rehearsal rooms for local bands.',
      category: 'culture',
      district: 'harbour',
      place: [44.0972, 9.8338],
      supporters: 8,
    },
    {
      author: claire,
      title: 'Un parking relais au nord avec navette vers le centre',
      body: 'Un parking relais à l’entrée nord, relié au centre par une navette toutes les dix minutes, libérerait les rues du centre historique.',
      category: 'mobility',
      district: 'north-hills',
      supporters: 2,
    },
    {
      author: andrei,
      title: 'Mehr Schatten auf den Schulhöfen',
      body: 'Die Schulhöfe sind im Sommer zu heiß. Bäume und Sonnensegel würden den Kindern helfen, auch in den Pausen draußen zu spielen.',
      category: 'education',
      district: 'university',
      supporters: 1,
    },
  ];
  const ids: number[] = [];
  for (const item of proposals) {
    const { id } = must(
      await submitProposal(ctx, item.author, organisation, plan, {
        title: item.title,
        body: item.body,
        category: item.category,
        districtId: item.district ? district(item.district) : null,
        lat: item.place?.[0] ?? null,
        lng: item.place?.[1] ?? null,
      }),
      'proposal',
    );
    ids.push(id);
    for (const supporter of everyone.filter((v) => v.id !== item.author.id).slice(0, item.supporters))
      must(await supportProposal(ctx, supporter, organisation, id), 'support');
  }
  const [barracks, greenBelt, , warehouses] = ids;
  if (warehouses)
    must(
      await answerProposal(ctx, staff, organisation, warehouses, {
        answer: 'evaluating',
        text: 'The planning office is studying a cultural use of two of the four warehouses; the draft plan will say which.',
      }),
      'answer',
    );

  const [firstDebate, secondDebate] = [
    must(
      await startDebate(ctx, staff, organisation, plan, {
        title: 'Should the city centre be closed to cars on weekends?',
        body: 'Several proposals ask for a car-free centre. Shops worry about deliveries and customers from outside the city. What do you think?',
      }),
      'debate',
    ),
    must(
      await startDebate(ctx, claire, organisation, plan, {
        title: 'Faut-il construire en hauteur près de la gare ?',
        body: 'Pour loger plus de monde sans consommer de terres agricoles, faut-il accepter des immeubles de huit étages autour de la gare ?',
      }),
      'debate',
    ),
  ];
  const comment = async (
    author: Viewer,
    type: 'proposal' | 'debate',
    subjectId: number,
    body: string,
    stance: 'for' | 'against' | null = null,
    parentId: number | null = null,
  ) =>
    must(
      await postComment(ctx, author, organisation, { subjectType: type, subjectId, parentId, body, stance }),
      'comment',
    ).id;
  const a1 = await comment(
    giulia,
    'debate',
    firstDebate.id,
    'Sì: le piazze tornerebbero ai bambini e ai caffè. Nelle città vicine il commercio è cresciuto.',
    'for',
  );
  const a2 = await comment(
    andrei,
    'debate',
    firstDebate.id,
    'Nu toată lumea poate merge pe jos sau cu bicicleta. Persoanele în vârstă au nevoie de acces cu mașina.',
    'against',
  );
  await comment(
    claire,
    'debate',
    firstDebate.id,
    'Peut-être un essai sur quatre week-ends d’été, avec des navettes gratuites ?',
    null,
  );
  await comment(
    staff,
    'debate',
    firstDebate.id,
    'Deliveries would stay allowed before 10 a.m. in any trial.',
    null,
    a2,
  );
  await comment(andrei, 'debate', secondDebate.id, 'Da, dacă jos sunt magazine și spații verzi între clădiri.', 'for');
  await comment(
    giulia,
    'debate',
    secondDebate.id,
    'Otto piani tolgono la vista e il sole alle case esistenti.',
    'against',
  );
  if (barracks) {
    const c1 = await comment(
      claire,
      'proposal',
      barracks,
      'Excellente idée, à condition de garder les arbres de la cour.',
    );
    await comment(giulia, 'proposal', barracks, 'Certo, gli alberi restano: sono nel progetto.', null, c1);
    for (const voter of everyone.slice(0, 4)) await voteComment(ctx, voter, organisation, c1, 1);
  }
  if (greenBelt) await comment(andrei, 'proposal', greenBelt, 'I would add drinking fountains along the way.');
  for (const voter of everyone.slice(0, 3)) await voteComment(ctx, voter, organisation, a1, 1);
  await voteComment(ctx, moderator, organisation, a2, -1);

  // The master plan's layer: three areas of change and the new tram line with its stops, drawn under
  // the proposals on the map and offered in the proposal form.
  must(await uploadPlan(ctx, staff, organisation, plan.id, JSON.stringify(MASTER_PLAN)), 'plan');

  // A workshop held last month, with its minutes, and the next one with residents registered.
  const at = (days: number, hour: number) =>
    new Date(Math.floor(Date.now() / DAY + days) * DAY + (hour - 1) * 3_600_000);
  const workshop = must(
    await createMeeting(ctx, staff, organisation, plan.id, {
      title: {
        en: 'Workshop: the station quarter',
        it: 'Laboratorio: il quartiere della stazione',
        fr: 'Atelier : le quartier de la gare',
      },
      description: {
        en: 'The planning office presents three sketches for the former barracks and listens to residents.',
        it: 'L’ufficio urbanistica presenta tre schizzi per l’ex caserma e ascolta i residenti.',
      },
      startsAt: at(-35, 18),
      endsAt: at(-35, 20),
      address: 'Sala civica, Piazza della Stazione 2',
      lat: 44.1049,
      lng: 9.8296,
      onlineUrl: null,
      capacity: 60,
      proposalIds: barracks ? [barracks] : [],
    }),
    'meeting',
  );
  must(
    await publishMinutes(ctx, staff, organisation, workshop.id, {
      en: 'Forty-two residents took part. Most preferred the sketch with a public park in the courtyard and homes at affordable rents on three sides.\n\nThe trees of the courtyard stay. The planning office will put this option in the draft plan and present it at the next meeting.',
      it: 'Hanno partecipato quarantadue residenti. La maggioranza ha preferito lo schizzo con un parco pubblico nel cortile e case a prezzi accessibili su tre lati.\n\nGli alberi del cortile restano. L’ufficio urbanistica inserirà questa opzione nella bozza del piano.',
    }),
    'minutes',
  );
  const walk = must(
    await createMeeting(ctx, staff, organisation, plan.id, {
      title: {
        en: 'Walk along the river and the new tram line',
        it: 'Passeggiata lungo il fiume e la nuova tranvia',
        fr: 'Promenade le long de la rivière et de la nouvelle ligne de tram',
      },
      description: {
        en: 'A two-hour walk from the Mill gardens to the harbour along the planned green belt and tram line, with the planners. Also streamed online.',
      },
      startsAt: at(9, 10),
      endsAt: at(9, 12),
      address: 'Giardini del Mulino, entrance on Via del Mulino',
      lat: 44.0993,
      lng: 9.8175,
      onlineUrl: 'https://meet.example.org/valmora-master-plan',
      capacity: 25,
      proposalIds: [greenBelt, warehouses].filter((id): id is number => id !== undefined),
    }),
    'meeting',
  );
  for (const resident of [giulia, andrei, claire])
    must(await registerForMeeting(ctx, resident, organisation, walk.id), 'registration');

  // The youth process: only residents verified as 14 to 18 may take part. Sam (17) is on the census and
  // can verify himself to try; the proposals below came from a school workshop.
  const youth = await process(
    ctx,
    staff,
    organisation,
    {
      slug: 'youth-voice',
      title: {
        en: 'Youth voice: what Valmora needs at 14–18',
        it: 'Voce dei giovani: cosa serve a Valmora tra i 14 e i 18 anni',
        fr: 'La parole aux jeunes : ce dont Valmora a besoin entre 14 et 18 ans',
        de: 'Jugend spricht: was Valmora mit 14–18 braucht',
      },
      description: {
        en: 'A process for residents aged 14 to 18: propose and support ideas for places, sport and culture for young people.',
        it: 'Un percorso per chi ha tra 14 e 18 anni: proporre e sostenere idee per luoghi, sport e cultura per i giovani.',
      },
      districtIds: [],
      eligibilityLevel: 'verified',
      minAge: 14,
      maxAge: 18,
      residentsOnly: false,
      supportThreshold: 3,
      supportDays: 60,
      answerDays: 21,
    },
    [
      {
        title: { en: 'Ideas and supports', it: 'Idee e sostegni', fr: 'Idées et soutiens' },
        from: -10,
        to: 50,
        parts: { proposals: ['create', 'support', 'comment'], debates: ['comment'] },
      },
    ],
  );
  const sam = everyone.find((v) => v.id === people.residents[3]);
  for (const [title, body, category, supports] of [
    [
      'A skate park at the Riverside',
      'A concrete skate park with lights, open until 10 p.m., next to the running track.',
      'sport',
      2,
    ],
    [
      'Sala prove gratuita per band giovanili',
      'Una sala prove insonorizzata nel centro giovani, prenotabile online gratis.',
      'culture',
      0,
    ],
  ] as const) {
    const id = await insertProposal(ctx.db, {
      organisationId: organisation.id,
      processId: youth.id,
      authorId: sam?.id ?? staff.id,
      title,
      body,
      category,
      districtId: district('riverside'),
      lat: null,
      lng: null,
      threshold: youth.supportThreshold,
      supportDeadline: new Date(Date.now() + 50 * DAY),
      randomKey: randomInt(0, 2_147_483_647),
    });
    for (const supporter of everyone.slice(-supports - 1, -1))
      if (await insertSupport(ctx.db, organisation.id, id, supporter.id))
        await changeSupportCount(ctx.db, id, 1, youth.answerDays, new Date());
  }

  // Last year's harbour consultation, over, with the city's answers.
  const harbour = await process(
    ctx,
    staff,
    organisation,
    {
      slug: 'harbour-front-2025',
      title: { en: 'Harbour front 2025', it: 'Fronte del porto 2025', ro: 'Faleza portului 2025' },
      description: {
        en: 'How should the harbour promenade be redesigned? The consultation is closed; the answers are below.',
        it: 'Come ridisegnare la passeggiata del porto? La consultazione è chiusa; le risposte sono qui sotto.',
      },
      districtIds: [district('harbour')].filter((id): id is number => id !== null),
      eligibilityLevel: 'email',
      minAge: null,
      maxAge: null,
      residentsOnly: false,
      supportThreshold: 3,
      supportDays: 60,
      answerDays: 30,
    },
    [
      {
        title: { en: 'Proposals', it: 'Proposte' },
        from: -400,
        to: -300,
        parts: { proposals: ['create', 'support', 'comment'] },
      },
    ],
  );
  for (const [title, body, answer, text] of [
    [
      'Shade sails over the promenade benches',
      'Sails over the benches between the ferry terminal and the lighthouse.',
      'accepted',
      'Accepted: twelve shade sails were installed in May.',
    ],
    [
      'Un lido pubblico accanto al molo',
      'Una piccola spiaggia attrezzata e gratuita accanto al molo dei pescatori.',
      'rejected',
      'Rejected: the water next to the pier is a shipping lane; bathing there cannot be made safe.',
    ],
  ] as const) {
    const id = await insertProposal(ctx.db, {
      organisationId: organisation.id,
      processId: harbour.id,
      authorId: andrei.id,
      title,
      body,
      category: 'urbanism',
      districtId: district('harbour'),
      lat: null,
      lng: null,
      threshold: 3,
      supportDeadline: new Date(Date.now() - 340 * DAY),
      randomKey: randomInt(0, 2_147_483_647),
    });
    for (const supporter of everyone.slice(0, 4))
      if (await insertSupport(ctx.db, organisation.id, id, supporter.id))
        await changeSupportCount(ctx.db, id, 1, 30, new Date(Date.now() - 350 * DAY));
    await storeAnswer(ctx.db, id, answer, text, staff.id, new Date(Date.now() - 320 * DAY));
  }
}

/** The demo master plan in the city's box: areas of change, the new tram line and its stops. */
const MASTER_PLAN = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Station quarter: new homes and a park' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.8262, 44.1031],
            [9.8338, 44.1031],
            [9.8338, 44.1074],
            [9.8262, 44.1074],
            [9.8262, 44.1031],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'River green belt' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.8101, 44.0972],
            [9.8229, 44.0985],
            [9.8232, 44.1003],
            [9.8104, 44.0994],
            [9.8101, 44.0972],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'Harbour: culture and crafts' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.831, 44.095],
            [9.8372, 44.095],
            [9.8372, 44.099],
            [9.831, 44.099],
            [9.831, 44.095],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'Tram line 1 (new)' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [9.812, 44.101],
          [9.819, 44.1018],
          [9.826, 44.104],
          [9.83, 44.1052],
          [9.8335, 44.101],
          [9.8345, 44.0975],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'Tram stops' },
      geometry: {
        type: 'MultiPoint',
        coordinates: [
          [9.812, 44.101],
          [9.826, 44.104],
          [9.83, 44.1052],
          [9.8345, 44.0975],
        ],
      },
    },
  ],
};
