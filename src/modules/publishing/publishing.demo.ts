import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { DecisionKind, PostState } from './publishing.schema.ts';
import { refreshBuiltInDestinations } from './destinations.use-cases.ts';

/**
 * A month of the city's voice: two campaigns with their hashtags, posts published over the past three
 * weeks and planned for the next ten days in several languages, posts waiting for approval (one sent
 * back with changes), and a crisis broadcast in the past. Posts go to the destinations the installed
 * channels provide (their built-in ones); past deliveries are recorded as published.
 */
interface DemoPost {
  days: number;
  department: string;
  campaign?: 'streets' | 'summer';
  state: PostState;
  texts: Record<string, { title?: string; body: string }>;
  crisis?: boolean;
}

const POSTS: DemoPost[] = [
  {
    days: -21,
    department: 'roads',
    campaign: 'streets',
    state: 'published',
    texts: {
      en: {
        body: 'New 30 km/h zones around every school start on Monday. Why slower streets save lives: https://valmora.example/streets #InteractiveCitySaferStreets',
      },
      it: {
        body: 'Da lunedì nuove zone 30 intorno a tutte le scuole. Perché strade più lente salvano vite: https://valmora.example/streets #InteractiveCitySaferStreets',
      },
    },
  },
  {
    days: -19,
    department: 'communication',
    state: 'published',
    texts: {
      en: {
        title: 'City council this Thursday',
        body: 'The council meets on Thursday at 18:00 in the town hall. The agenda and the live stream are on our website.',
      },
      fr: {
        title: 'Conseil municipal ce jeudi',
        body: 'Le conseil se réunit jeudi à 18 h à l’hôtel de ville. L’ordre du jour et la diffusion en direct sont sur notre site.',
      },
    },
  },
  {
    days: -17,
    department: 'parks',
    campaign: 'summer',
    state: 'published',
    texts: {
      en: {
        body: 'We are planting 400 trees this season. Tell us where your street needs shade. #InteractiveCityGreenSummer',
      },
      ro: {
        body: 'Plantăm 400 de copaci în acest sezon. Spuneți-ne unde are strada dumneavoastră nevoie de umbră. #InteractiveCityGreenSummer',
      },
    },
  },
  {
    days: -15,
    department: 'roads',
    campaign: 'streets',
    state: 'published',
    texts: {
      en: {
        body: 'Works on Via Roma: one lane closed until Friday. Buses 4 and 7 take Corso Garibaldi. #InteractiveCitySaferStreets',
      },
      it: {
        body: 'Lavori in via Roma: una corsia chiusa fino a venerdì. I bus 4 e 7 passano da corso Garibaldi. #InteractiveCitySaferStreets',
      },
    },
  },
  {
    days: -12,
    department: 'communication',
    state: 'published',
    crisis: true,
    texts: {
      en: {
        title: 'Storm warning',
        body: 'A severe storm is expected tonight from 20:00. Stay indoors, keep away from trees and do not park under them.',
      },
      it: {
        title: 'Allerta temporale',
        body: 'Stanotte dalle 20 è atteso un forte temporale. Restate in casa, lontano dagli alberi, e non parcheggiate sotto di essi.',
      },
      de: {
        title: 'Unwetterwarnung',
        body: 'Heute Nacht ab 20 Uhr wird ein schweres Unwetter erwartet. Bleiben Sie drinnen und parken Sie nicht unter Bäumen.',
      },
    },
  },
  {
    days: -10,
    department: 'waste',
    state: 'published',
    texts: {
      en: {
        body: 'Bulky waste collection moves to the first Saturday of the month. Book a slot online or call the city.',
      },
      de: {
        body: 'Die Sperrmüllabfuhr ist künftig am ersten Samstag des Monats. Buchen Sie einen Termin online oder rufen Sie die Stadt an.',
      },
    },
  },
  {
    days: -8,
    department: 'parks',
    campaign: 'summer',
    state: 'published',
    texts: {
      en: {
        body: 'The river park splash pad opens on Saturday, every day from 10:00 to 19:00. #InteractiveCityGreenSummer',
      },
      fr: {
        body: 'Les jeux d’eau du parc de la rivière ouvrent samedi, tous les jours de 10 h à 19 h. #InteractiveCityGreenSummer',
      },
    },
  },
  {
    days: -6,
    department: 'participation',
    state: 'published',
    texts: {
      en: {
        title: 'Budget vote opens',
        body: 'From today residents vote on the participatory budget: twelve projects, one vote each.',
      },
      ro: {
        title: 'Votul pentru buget începe',
        body: 'De azi locuitorii votează bugetul participativ: douăsprezece proiecte, câte un vot.',
      },
    },
  },
  {
    days: -4,
    department: 'roads',
    campaign: 'streets',
    state: 'published',
    texts: {
      en: {
        body: 'Thank you for 212 reports of dangerous crossings. The first eight get raised crossings this month. #InteractiveCitySaferStreets',
      },
    },
  },
  {
    days: -2,
    department: 'communication',
    state: 'published',
    texts: {
      en: { body: 'The town hall is closed on Friday for the local holiday. Online services stay open.' },
      it: { body: 'Venerdì il municipio è chiuso per la festa patronale. I servizi online restano aperti.' },
      fr: { body: 'La mairie est fermée vendredi pour la fête locale. Les services en ligne restent ouverts.' },
    },
  },
  {
    days: 1,
    department: 'parks',
    campaign: 'summer',
    state: 'scheduled',
    texts: {
      en: { body: 'Cinema in the park every Wednesday in July. Bring a blanket! #InteractiveCityGreenSummer' },
      it: { body: 'Cinema nel parco ogni mercoledì di luglio. Portate una coperta! #InteractiveCityGreenSummer' },
    },
  },
  {
    days: 3,
    department: 'roads',
    campaign: 'streets',
    state: 'scheduled',
    texts: {
      en: {
        body: 'Car-free Sunday on the river road: walk, cycle, play from 9:00 to 18:00. #InteractiveCitySaferStreets',
      },
      de: {
        body: 'Autofreier Sonntag an der Uferstraße: gehen, radeln, spielen von 9 bis 18 Uhr. #InteractiveCitySaferStreets',
      },
    },
  },
  {
    days: 5,
    department: 'communication',
    state: 'scheduled',
    texts: {
      en: {
        title: 'Meet the mayor',
        body: 'Open office hours with the mayor on the market square, Saturday from 10:00. No appointment needed.',
      },
    },
  },
  {
    days: 7,
    department: 'participation',
    state: 'scheduled',
    texts: {
      en: { body: 'Results of the participatory budget are announced next week, live on our channels.' },
      ro: { body: 'Rezultatele bugetului participativ se anunță săptămâna viitoare, în direct pe canalele noastre.' },
    },
  },
  {
    days: 9,
    department: 'waste',
    state: 'scheduled',
    texts: { en: { body: 'Glass bins on three squares move underground. Map of the new bins on our website.' } },
  },
  {
    days: 2,
    department: 'roads',
    campaign: 'streets',
    state: 'in_review',
    texts: {
      en: { body: 'Speed checks near schools next week. Slow down: children cross here. #InteractiveCitySaferStreets' },
      it: {
        body: 'Controlli della velocità vicino alle scuole la prossima settimana. Rallentate: qui attraversano bambini. #InteractiveCitySaferStreets',
      },
    },
  },
  {
    days: 4,
    department: 'parks',
    campaign: 'summer',
    state: 'in_review',
    texts: {
      en: {
        body: 'Water the young trees on your street: 10 litres twice a week helps them through the heat. #InteractiveCityGreenSummer',
      },
    },
  },
  {
    days: 6,
    department: 'communication',
    state: 'changes_requested',
    texts: {
      en: { body: 'CLICK HERE to read everything about the new parking rules: https://valmora.example/parking' },
    },
  },
  {
    days: 8,
    department: 'participation',
    state: 'draft',
    texts: { en: { body: 'Workshop on the future of the old station, bring your ideas.' } },
  },
];

export async function seedPublishing(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  const db = ctx.db;
  const now = Date.now();
  const at = (days: number, hour = 9) =>
    new Date(Math.floor(now / 86_400_000) * 86_400_000 + days * 86_400_000 + hour * 3_600_000);
  const campaign = async (slug: string, name: Record<string, string>, tag: string, start: number, end: number) =>
    (
      await db
        .insertInto('publishing_campaign')
        .values({
          organisation_id: organisation.id,
          slug,
          name: JSON.stringify(name),
          goal: JSON.stringify({ en: 'More residents who know and use what the city changes for them.' }),
          starts_on: at(start).toISOString().slice(0, 10),
          ends_on: at(end).toISOString().slice(0, 10),
          hashtags: [tag],
          utm_campaign: slug,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const campaigns = {
    streets: await campaign(
      'safer-streets',
      { en: 'Safer streets', it: 'Strade sicure', fr: 'Rues plus sûres', ro: 'Străzi sigure', de: 'Sichere Straßen' },
      'InteractiveCitySaferStreets',
      -25,
      20,
    ),
    summer: await campaign(
      'green-summer',
      { en: 'Green summer', it: 'Estate verde', fr: 'Été vert', ro: 'Vară verde', de: 'Grüner Sommer' },
      'InteractiveCityGreenSummer',
      -20,
      40,
    ),
  };
  // every department's posts: the head of department's office (its members), then the communication office
  for (const department of ['roads', 'parks', 'waste', 'participation']) {
    const id = people.departments[department];
    if (id === undefined) continue;
    await db
      .insertInto('publishing_approval_step')
      .values([
        {
          organisation_id: organisation.id,
          department_id: id,
          position: 0,
          name: 'Head of department',
          approver_department_id: id,
        },
        {
          organisation_id: organisation.id,
          department_id: id,
          position: 1,
          name: 'Communication office',
          approver_department_id: people.departments.communication ?? null,
        },
      ])
      .execute();
  }
  await refreshBuiltInDestinations(ctx, organisation.id, true);
  const destinations = await db
    .selectFrom('publishing_destination')
    .select(['id'])
    .where('organisation_id', '=', organisation.id)
    .where('enabled', '=', true)
    .execute();
  const staffOf = (department: string) => people.staff[department === 'waste' ? 'parks' : department] ?? people.admin;
  const approverOf = () => people.staff.communication ?? people.admin;

  for (const [index, post] of POSTS.entries()) {
    const author = staffOf(post.department);
    const when = at(post.days, 8 + (index % 9));
    const published = post.state === 'published';
    const row = await db
      .insertInto('publishing_post')
      .values({
        organisation_id: organisation.id,
        department_id: people.departments[post.department] ?? null,
        campaign_id: post.campaign ? campaigns[post.campaign] : null,
        author_id: author,
        kind: post.crisis ? 'alert' : 'post',
        state: post.state,
        slug: `demo-${index + 1}-${randomBytes(3).toString('hex')}`,
        scheduled_at: post.state === 'draft' ? null : when,
        published_at: published ? when : null,
        crisis: post.crisis ?? false,
        // waiting for the communication office: the head of department approved already
        approval_position: post.state === 'in_review' ? 1 : 0,
        pinned_until: post.crisis ? new Date(when.getTime() + 24 * 3_600_000) : null,
        created_at: new Date(when.getTime() - 2 * 86_400_000),
        updated_at: when,
        ...(post.crisis
          ? { emergency_started_by: author, emergency_started_at: when, emergency_confirmed_by: approverOf() }
          : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const texts = Object.fromEntries(
      Object.entries(post.texts).map(([language, text]) => [language, { title: text.title ?? null, body: text.body }]),
    );
    await db
      .insertInto('publishing_post_text')
      .values(
        Object.entries(texts).map(([language, text]) => ({
          organisation_id: organisation.id,
          post_id: row.id,
          language,
          ...text,
        })),
      )
      .execute();
    await db
      .insertInto('publishing_post_version')
      .values({
        organisation_id: organisation.id,
        post_id: row.id,
        version: 1,
        texts: JSON.stringify(texts),
        author_id: author,
      })
      .execute();
    if (post.state !== 'draft' && destinations.length > 0)
      await db
        .insertInto('publishing_post_destination')
        .values(destinations.map((d) => ({ organisation_id: organisation.id, post_id: row.id, destination_id: d.id })))
        .execute();
    const decisions: Array<{ decision: DecisionKind; user: number; comment?: string }> = [];
    if (post.crisis)
      decisions.push(
        { decision: 'emergency_started', user: author },
        { decision: 'emergency_confirmed', user: approverOf() },
      );
    else if (post.state !== 'draft') {
      decisions.push({ decision: 'submitted', user: author });
      if (post.state === 'changes_requested')
        decisions.push({
          decision: 'changes_requested',
          user: approverOf(),
          comment: 'Please say what the rules change instead of “click here”, and no capitals.',
        });
      else if (post.state === 'in_review') decisions.push({ decision: 'approved', user: people.admin });
      else decisions.push({ decision: 'approved', user: approverOf() });
    }
    for (const decision of decisions)
      await db
        .insertInto('publishing_decision')
        .values({
          organisation_id: organisation.id,
          post_id: row.id,
          version: 1,
          position: decision.decision === 'approved' || decision.decision === 'changes_requested' ? 0 : null,
          user_id: decision.user,
          decision: decision.decision,
          comment: decision.comment ?? '',
          created_at: new Date(when.getTime() - 86_400_000),
        })
        .execute();
    if (published && destinations.length > 0)
      await db
        .insertInto('publishing_delivery')
        .values(
          destinations.flatMap((destination) =>
            Object.keys(texts).map((language) => ({
              organisation_id: organisation.id,
              post_id: row.id,
              destination_id: destination.id,
              language,
              state: 'published' as const,
              idempotency_key: `demo-${row.id}-${destination.id}-${language}-${randomBytes(4).toString('hex')}`,
              published_at: when,
              metrics: JSON.stringify({
                reach: 300 + ((index * 137) % 900),
                favourites: 5 + (index % 17),
                boosts: index % 9,
                replies: index % 5,
              }),
              metrics_at: new Date(when.getTime() + 86_400_000),
            })),
          ),
        )
        .execute();
  }
}
