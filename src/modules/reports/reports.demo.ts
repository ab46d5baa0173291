import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts, findDistrictsAt } from '../places/index.ts';
import { paintDemoPhoto } from './demo-photos.ts';
import type { QuestionDatatype, QuestionOption, ReportStatus } from './reports.schema.ts';
import { seedSubscriptions } from './subscriptions.ts';
import { tileX, tileY } from './tiles.ts';

interface DemoCategory {
  code: string;
  group: Translated;
  name: Translated;
  description: Translated;
  keywords: string;
  hours: number;
  department: string;
  questions?: Array<{
    code: string;
    datatype: QuestionDatatype;
    required: boolean;
    label: Translated;
    options?: QuestionOption[];
  }>;
  samples: string[];
}

const STREETS = { en: 'Streets and lighting', it: 'Strade e illuminazione', fr: 'Voirie et éclairage' };
const CLEAN = { en: 'Cleanliness and waste', it: 'Pulizia e rifiuti', fr: 'Propreté et déchets' };
const GREEN = { en: 'Parks and trees', it: 'Parchi e alberi', fr: 'Parcs et arbres' };
const MOVE = { en: 'Traffic and mobility', it: 'Traffico e mobilità', fr: 'Circulation et mobilité' };

export const DEMO_CATEGORIES: DemoCategory[] = [
  {
    code: 'pothole',
    group: STREETS,
    department: 'roads',
    hours: 72,
    keywords: 'pothole, road, asphalt, hole',
    name: { en: 'Pothole', it: 'Buca stradale', fr: 'Nid-de-poule', ro: 'Groapă în carosabil', de: 'Schlagloch' },
    description: {
      en: 'A hole or broken surface in a street, bike lane or pavement.',
      it: 'Una buca o un manto rovinato in strada, pista ciclabile o marciapiede.',
    },
    questions: [
      {
        code: 'location_type',
        datatype: 'singlevaluelist',
        required: true,
        label: { en: 'Where is it?', it: 'Dove si trova?' },
        options: [
          { key: 'street', name: { en: 'Street', it: 'Strada' } },
          { key: 'bike_lane', name: { en: 'Bike lane', it: 'Pista ciclabile' } },
          { key: 'pavement', name: { en: 'Pavement', it: 'Marciapiede' } },
        ],
      },
      {
        code: 'hazardous',
        datatype: 'singlevaluelist',
        required: false,
        label: { en: 'Is it dangerous?', it: 'È pericolosa?' },
        options: [
          { key: 'yes', name: { en: 'Yes', it: 'Sì' } },
          { key: 'no', name: { en: 'No', it: 'No' } },
        ],
      },
      {
        code: 'width_cm',
        datatype: 'number',
        required: false,
        label: { en: 'About how wide is it (cm)?', it: 'Quanto è larga circa (cm)?' },
      },
    ],
    samples: [
      'Deep pothole in front of the bakery, cars swerve around it.',
      'Buca profonda vicino alla fermata del bus, pericolosa per gli scooter.',
      'Nid-de-poule dangereux sur la piste cyclable.',
      'Large hole after the water works, filled with rain water.',
    ],
  },
  {
    code: 'streetlight',
    group: STREETS,
    department: 'roads',
    hours: 120,
    keywords: 'light, lamp, dark, streetlight',
    name: {
      en: 'Streetlight not working',
      it: 'Lampione spento',
      fr: 'Lampadaire en panne',
      ro: 'Stâlp de iluminat defect',
      de: 'Straßenlaterne defekt',
    },
    description: {
      en: 'A street lamp that is off, flickering or damaged.',
      it: 'Un lampione spento, intermittente o danneggiato.',
    },
    questions: [
      {
        code: 'lamp_number',
        datatype: 'string',
        required: false,
        label: { en: 'Number on the pole, if any', it: 'Numero sul palo, se presente' },
      },
    ],
    samples: [
      'The streetlight at the corner has been off for a week; the crossing is very dark.',
      'Lampione che lampeggia tutta la notte davanti al civico 12.',
      'Stâlpul de iluminat de lângă parc nu funcționează.',
    ],
  },
  {
    code: 'litter',
    group: CLEAN,
    department: 'waste',
    hours: 48,
    keywords: 'litter, rubbish, dumping, bins',
    name: {
      en: 'Litter or fly-tipping',
      it: 'Rifiuti abbandonati',
      fr: 'Dépôt sauvage',
      ro: 'Gunoi abandonat',
      de: 'Illegale Müllablagerung',
    },
    description: {
      en: 'Rubbish left in the street, overflowing bins, dumped furniture.',
      it: 'Rifiuti in strada, cestini pieni, mobili abbandonati.',
    },
    questions: [
      {
        code: 'kind',
        datatype: 'multivaluelist',
        required: false,
        label: { en: 'What is there?', it: 'Cosa c’è?' },
        options: [
          { key: 'bags', name: { en: 'Bags', it: 'Sacchi' } },
          { key: 'furniture', name: { en: 'Furniture', it: 'Mobili' } },
          { key: 'building', name: { en: 'Building waste', it: 'Calcinacci' } },
          { key: 'other', name: { en: 'Other', it: 'Altro' } },
        ],
      },
    ],
    samples: [
      'Someone left an old sofa and a mattress next to the recycling bins.',
      'Sacchi di rifiuti abbandonati dietro il mercato da tre giorni.',
      'Les poubelles débordent près de l’arrêt de tram.',
      'Bins overflowing after the weekend market.',
    ],
  },
  {
    code: 'graffiti',
    group: CLEAN,
    department: 'waste',
    hours: 168,
    keywords: 'graffiti, vandalism, paint',
    name: { en: 'Graffiti', it: 'Graffiti', fr: 'Graffiti', ro: 'Graffiti', de: 'Graffiti' },
    description: {
      en: 'Graffiti on public buildings, benches or signs.',
      it: 'Scritte su edifici pubblici, panchine o cartelli.',
    },
    samples: ['Offensive graffiti on the school wall.', 'Scritte sulla fontana della piazza.'],
  },
  {
    code: 'tree',
    group: GREEN,
    department: 'parks',
    hours: 240,
    keywords: 'tree, branch, park, bench, playground',
    name: {
      en: 'Tree or park problem',
      it: 'Alberi e parchi',
      fr: 'Arbre ou parc',
      ro: 'Copac sau parc',
      de: 'Baum oder Park',
    },
    description: {
      en: 'Fallen branches, damaged trees, broken benches or playground equipment.',
      it: 'Rami caduti, alberi danneggiati, panchine o giochi rotti.',
    },
    questions: [
      {
        code: 'blocking',
        datatype: 'singlevaluelist',
        required: true,
        label: { en: 'Is it blocking a path?', it: 'Blocca il passaggio?' },
        options: [
          { key: 'yes', name: { en: 'Yes', it: 'Sì' } },
          { key: 'no', name: { en: 'No', it: 'No' } },
        ],
      },
    ],
    samples: [
      'A big branch fell on the path after the storm.',
      'The swing in the playground is broken and has sharp edges.',
      'Ramo pericolante sopra la panchina vicino al laghetto.',
    ],
  },
  {
    code: 'traffic_sign',
    group: MOVE,
    department: 'mobility',
    hours: 120,
    keywords: 'sign, traffic light, crossing, bike',
    name: {
      en: 'Traffic sign or signal',
      it: 'Segnaletica o semaforo',
      fr: 'Signalisation ou feu',
      ro: 'Semn de circulație sau semafor',
      de: 'Verkehrszeichen oder Ampel',
    },
    description: {
      en: 'A damaged, missing or hidden sign; a traffic light that does not work.',
      it: 'Un cartello danneggiato, mancante o coperto; un semaforo guasto.',
    },
    samples: [
      'The pedestrian light at the station stays red for minutes.',
      'Stop sign hidden by a hedge at the junction.',
      'Semaforo pedonale guasto in via del Porto.',
    ],
  },
];

/** A small seeded random generator, so every demo city looks the same. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ANSWERS: Partial<Record<ReportStatus, string>> = {
  confirmed: 'Thank you, we have confirmed the problem and added it to our schedule.',
  in_progress: 'A crew is working on it this week.',
  planned: 'This needs larger works, planned with the spring resurfacing programme.',
  fixed: 'Fixed. Thank you for reporting it!',
  not_responsible:
    'This belongs to the regional road authority; we have forwarded it. You can contact them at roads@region.example.',
  cannot_fix: 'We looked at it, but we cannot change this: the sign is required by law here.',
};

/** The answers staff start from, per status and language (staff pages: "start from the template"). */
const ANSWER_TEMPLATES: Partial<Record<ReportStatus, Translated>> = {
  confirmed: {
    en: 'Thank you for your report. We have checked the problem and added it to our work schedule.',
    it: 'Grazie della segnalazione. Abbiamo verificato il problema e lo abbiamo inserito nel programma dei lavori.',
    fr: 'Merci pour votre signalement. Nous avons vérifié le problème et l’avons ajouté à notre planning.',
  },
  in_progress: {
    en: 'A crew is working on it now.',
    it: 'Una squadra ci sta lavorando.',
    fr: 'Une équipe y travaille en ce moment.',
  },
  planned: {
    en: 'This needs larger works, which are planned for …',
    it: 'Servono lavori più ampi, previsti per …',
    fr: 'Cela demande des travaux plus importants, prévus pour …',
  },
  fixed: {
    en: 'Fixed. Thank you for reporting it! If the problem comes back, add an update to this report.',
    it: 'Risolto. Grazie della segnalazione! Se il problema si ripresenta, aggiunga un aggiornamento a questa segnalazione.',
    fr: 'C’est réparé. Merci pour votre signalement ! Si le problème revient, ajoutez une mise à jour à ce signalement.',
  },
  not_responsible: {
    en: 'This is not the city’s responsibility, so we cannot act on it ourselves.',
    it: 'Questo non è di competenza del Comune, quindi non possiamo intervenire direttamente.',
    fr: 'Cela ne relève pas de la ville : nous ne pouvons pas intervenir nous-mêmes.',
  },
  cannot_fix: {
    en: 'We have looked at it carefully, but we cannot change this, because …',
    it: 'Abbiamo esaminato con attenzione, ma non possiamo modificarlo perché …',
    fr: 'Nous avons examiné la situation, mais nous ne pouvons pas la changer, car …',
  },
};

/** Categories, routing rules and a few hundred reports of every status, spread over the last months. */
export async function seedReports(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const categoryIds: number[] = [];
  for (const [index, category] of DEMO_CATEGORIES.entries()) {
    const row = await ctx.db
      .insertInto('reports_category')
      .values({
        organisation_id: organisation.id,
        code: category.code,
        group_name: JSON.stringify(category.group),
        name: JSON.stringify(category.name),
        description: JSON.stringify(category.description),
        keywords: category.keywords,
        expected_hours: category.hours,
        default_department_id: people.departments[category.department] ?? null,
        sort: index,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    categoryIds.push(row.id);
    for (const [sort, question] of (category.questions ?? []).entries()) {
      await ctx.db
        .insertInto('reports_question')
        .values({
          organisation_id: organisation.id,
          category_id: row.id,
          code: question.code,
          datatype: question.datatype,
          required: question.required,
          label: JSON.stringify(question.label),
          help: '{}',
          options: JSON.stringify(question.options ?? []),
          sort,
        })
        .execute();
    }
  }

  const districts = (await findDistricts(ctx.db, organisation.id)).filter((d) => d.kind === 'district');
  const harbour = districts.find((d) => d.code === 'harbour');
  const parks = people.departments.parks;
  // trees in the harbour belong to the port's green team, which is the parks department's harbour crew here
  if (harbour && parks) {
    await ctx.db
      .insertInto('reports_routing_rule')
      .values({
        organisation_id: organisation.id,
        category_id: categoryIds[4] as number,
        district_id: harbour.id,
        department_id: parks,
      })
      .execute();
  }

  const next = random(2026);
  const statuses: ReportStatus[] = [
    'new',
    'new',
    'confirmed',
    'in_progress',
    'planned',
    'fixed',
    'fixed',
    'fixed',
    'not_responsible',
    'cannot_fix',
  ];
  const staffId = Object.values(people.staff)[1] ?? people.admin;
  const now = Date.now();
  const rows = [];
  for (let i = 0; i < 320; i++) {
    const categoryIndex = Math.floor(next() * DEMO_CATEGORIES.length);
    const category = DEMO_CATEGORIES[categoryIndex] as DemoCategory;
    const lat = organisation.map.lat + (next() - 0.5) * 0.034;
    const lng = organisation.map.lng + (next() - 0.5) * 0.07;
    const status = statuses[Math.floor(next() * statuses.length)] as ReportStatus;
    const created = new Date(now - Math.floor(next() * 150 * 86_400_000));
    const author = people.residents[Math.floor(next() * people.residents.length)] ?? null;
    rows.push({
      category,
      categoryId: categoryIds[categoryIndex] as number,
      lat,
      lng,
      status,
      created,
      author,
      sample: category.samples[i % category.samples.length] as string,
    });
  }

  for (const [index, row] of rows.entries()) {
    const inDistricts = await findDistrictsAt(ctx.db, organisation.id, row.lng, row.lat);
    const district = inDistricts.find((d) => d.kind === 'district');
    const departmentId =
      district?.id === harbour?.id && row.category.code === 'tree'
        ? (parks ?? null)
        : (people.departments[row.category.department] ?? null);
    const closed = !['new', 'confirmed', 'in_progress', 'planned'].includes(row.status);
    const updatedAt = new Date(row.created.getTime() + 2 * 86_400_000);
    const inserted = await ctx.db
      .insertInto('reports_report')
      .values({
        organisation_id: organisation.id,
        category_id: row.categoryId,
        department_id: departmentId,
        district_id: district?.id ?? null,
        status: row.status,
        description: row.sample,
        lat: row.lat,
        lng: row.lng,
        tile_x: tileX(row.lng),
        tile_y: tileY(row.lat),
        address: null,
        answers: '{}',
        author_id: row.author,
        author_name: null,
        author_email: null,
        show_name: next() < 0.3,
        source: next() < 0.15 ? 'open311' : 'web',
        api_key_id: null,
        token: null,
        duplicate_of_id: null,
        deadline_at: new Date(row.created.getTime() + row.category.hours * 3_600_000),
        created_at: row.created,
        updated_at: row.status === 'new' ? row.created : updatedAt,
        closed_at: closed ? updatedAt : null,
        hidden_at: null,
        hidden_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ctx.db
      .insertInto('reports_update')
      .values({
        organisation_id: organisation.id,
        report_id: inserted.id,
        kind: 'created',
        author_id: row.author,
        author_label: null,
        status_from: null,
        status_to: 'new',
        public_text: null,
        internal_note: null,
        details: '{}',
        created_at: row.created,
        hidden_at: null,
      })
      .execute();
    if (index % 3 === 0) {
      // One report in three comes with a photo of the scene (painted: see demo-photos.ts).
      const photo = paintDemoPhoto(row.category.code, index + 1);
      await ctx.db
        .insertInto('reports_photo')
        .values({
          organisation_id: organisation.id,
          report_id: inserted.id,
          update_id: null,
          author_id: row.author,
          pending_token: null,
          content_type: 'image/png',
          byte_size: photo.data.length,
          sha256: photo.sha256,
          data: photo.data,
          created_at: row.created,
          hidden_at: null,
          hidden_reason: null,
        })
        .execute();
    }
    if (row.status !== 'new') {
      await ctx.db
        .insertInto('reports_update')
        .values({
          organisation_id: organisation.id,
          report_id: inserted.id,
          kind: 'status',
          author_id: staffId,
          author_label: null,
          status_from: 'new',
          status_to: row.status,
          public_text: ANSWERS[row.status] ?? null,
          internal_note: null,
          details: '{}',
          created_at: updatedAt,
          hidden_at: null,
        })
        .execute();
    }
  }
  await seedSubscriptions(ctx.db, organisation.id);
  await ctx.db
    .insertInto('reports_answer_template')
    .values(
      Object.entries(ANSWER_TEMPLATES).flatMap(([status, texts]) =>
        Object.entries(texts).map(([language, body]) => ({
          organisation_id: organisation.id,
          status: status as ReportStatus,
          language,
          body,
          updated_by: null,
        })),
      ),
    )
    .execute();
}
