// The demo city's guide: 22 places in its six districts, two tours, two events, in several of its languages.

import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

type T = Record<string, string>;

interface DemoPlace {
  code: string;
  /** Offset from the city's map centre, in thousandths of a degree (east, north). */
  at: [number, number];
  name: T;
  summary: T;
  easy?: T;
  categories: string[];
  hours?: string;
  access: [boolean | null, boolean | null, boolean | null];
  quiet?: string;
  osm?: ['node' | 'way' | 'relation', number];
}

const PLACES: DemoPlace[] = [
  {
    code: 'OT01',
    at: [-30, 14],
    name: {
      en: 'Cathedral of San Lorenzo',
      it: 'Cattedrale di San Lorenzo',
      fr: 'Cathédrale Saint-Laurent',
      de: 'Dom San Lorenzo',
      ro: 'Catedrala San Lorenzo',
    },
    summary: {
      en: 'A striped marble cathedral begun in the twelfth century.',
      it: 'Una cattedrale a strisce di marmo iniziata nel XII secolo.',
      fr: 'Une cathédrale de marbre rayé commencée au XIIe siècle.',
      de: 'Ein gestreifter Marmordom, begonnen im 12. Jahrhundert.',
    },
    easy: { en: 'A big old church. You can go in for free.', it: 'Una grande chiesa antica. Si entra gratis.' },
    categories: ['church', 'monument'],
    hours: 'Mo-Sa 08:00-18:00; Su 13:00-18:00',
    access: [true, false, true],
    quiet: 'Su 09:00-12:00',
    osm: ['way', 123456701],
  },
  {
    code: 'OT02',
    at: [-27, 10],
    name: { en: 'Market Lanes', it: 'Vicoli del Mercato', fr: 'Ruelles du Marché', de: 'Marktgassen' },
    summary: {
      en: 'Narrow lanes of grocers, bakers and fishmongers.',
      it: 'Vicoli stretti di fruttivendoli, fornai e pescivendoli.',
      de: 'Enge Gassen mit Gemüsehändlern, Bäckern und Fischhändlern.',
    },
    easy: { en: 'Small streets with many food shops.', it: 'Piccole strade con tanti negozi di cibo.' },
    categories: ['market'],
    hours: 'Mo-Sa 07:00-13:00',
    access: [false, false, false],
    osm: ['way', 123456702],
  },
  {
    code: 'OT03',
    at: [-24, 15],
    name: { en: 'Town Hall Square', it: 'Piazza del Municipio', ro: 'Piața Primăriei' },
    summary: {
      en: 'The square in front of the fifteenth-century town hall.',
      it: 'La piazza davanti al municipio del Quattrocento.',
      ro: 'Piața din fața primăriei din secolul al XV-lea.',
    },
    categories: ['square', 'monument'],
    access: [true, true, true],
    osm: ['node', 123456703],
  },
  {
    code: 'OT04',
    at: [-33, 9],
    name: { en: 'Old Walls Gate', it: 'Porta delle Mura', de: 'Stadtmauertor' },
    summary: {
      en: 'The last standing gate of the medieval walls.',
      it: 'L’ultima porta rimasta delle mura medievali.',
      de: 'Das letzte erhaltene Tor der mittelalterlichen Stadtmauer.',
    },
    categories: ['monument'],
    access: [true, null, false],
    osm: ['way', 123456704],
  },
  {
    code: 'OT05',
    at: [-20, 8],
    name: { en: 'City Museum', it: 'Museo Civico', fr: 'Musée de la Ville' },
    summary: {
      en: 'Two thousand years of the city in twelve rooms.',
      it: 'Duemila anni di città in dodici sale.',
      fr: 'Deux mille ans de la ville en douze salles.',
    },
    easy: { en: 'A museum about the history of the city.', it: 'Un museo sulla storia della città.' },
    categories: ['museum'],
    hours: 'Tu-Su 10:00-18:00; Mo off',
    access: [true, true, true],
    quiet: 'We 10:00-12:00',
    osm: ['node', 123456705],
  },
  {
    code: 'OT06',
    at: [-29, 5],
    name: { en: 'Fountain of the Four Winds', it: 'Fontana dei Quattro Venti' },
    summary: {
      en: 'A baroque fountain with four carved faces.',
      it: 'Una fontana barocca con quattro volti scolpiti.',
    },
    categories: ['monument', 'fountain'],
    access: [true, null, true],
  },
  {
    code: 'OT07',
    at: [-17, 13],
    name: { en: 'Bell Tower Viewpoint', it: 'Belvedere del Campanile', de: 'Aussicht vom Glockenturm' },
    summary: {
      en: '183 steps to a view over the roofs and the sea.',
      it: '183 gradini per una vista sui tetti e sul mare.',
      de: '183 Stufen zu einem Blick über Dächer und Meer.',
    },
    categories: ['viewpoint'],
    hours: 'Apr-Oct 09:00-19:00; Nov-Mar 10:00-16:00',
    access: [false, false, false],
    osm: ['way', 123456707],
  },
  {
    code: 'HB01',
    at: [-4, 12],
    name: { en: 'Fishermen’s Wharf', it: 'Molo dei Pescatori', fr: 'Quai des Pêcheurs' },
    summary: {
      en: 'Boats come in at dawn; the fish auction follows.',
      it: 'Le barche rientrano all’alba; segue l’asta del pesce.',
      fr: 'Les bateaux rentrent à l’aube ; la criée suit.',
    },
    categories: ['harbour'],
    access: [true, true, true],
    osm: ['way', 123456711],
  },
  {
    code: 'HB02',
    at: [0, 8],
    name: { en: 'Lighthouse', it: 'Faro', ro: 'Farul', de: 'Leuchtturm' },
    summary: {
      en: 'The harbour lighthouse of 1878, still working.',
      it: 'Il faro del porto del 1878, ancora in funzione.',
      de: 'Der Hafenleuchtturm von 1878, noch in Betrieb.',
    },
    categories: ['monument', 'viewpoint'],
    access: [false, false, true],
    osm: ['node', 123456712],
  },
  {
    code: 'HB03',
    at: [4, 14],
    name: { en: 'Maritime Museum', it: 'Museo del Mare' },
    summary: { en: 'Ships, maps and the story of the shipyards.', it: 'Navi, carte e la storia dei cantieri.' },
    easy: { en: 'A museum about ships and the sea.', it: 'Un museo sulle navi e sul mare.' },
    categories: ['museum'],
    hours: 'Tu-Su 09:30-17:30',
    access: [true, true, true],
    quiet: 'Tu 09:30-11:00',
    osm: ['way', 123456713],
  },
  {
    code: 'HB04',
    at: [8, 6],
    name: { en: 'Shipyard Cranes', it: 'Gru dei Cantieri' },
    summary: {
      en: 'Three restored cranes over the old dry dock.',
      it: 'Tre gru restaurate sopra il vecchio bacino di carenaggio.',
    },
    categories: ['industrial heritage'],
    access: [true, null, false],
  },
  {
    code: 'RV01',
    at: [20, 12],
    name: { en: 'Mill Gardens', it: 'Giardini del Mulino', fr: 'Jardins du Moulin' },
    summary: {
      en: 'A public garden around a restored water mill.',
      it: 'Un giardino pubblico intorno a un mulino ad acqua restaurato.',
      fr: 'Un jardin public autour d’un moulin à eau restauré.',
    },
    categories: ['park'],
    hours: '07:00-21:00',
    access: [true, true, true],
    osm: ['way', 123456721],
  },
  {
    code: 'RV02',
    at: [26, 8],
    name: { en: 'Willow Bank Footbridge', it: 'Passerella della Riva dei Salici' },
    summary: { en: 'A wooden footbridge with views up the river.', it: 'Una passerella di legno con vista sul fiume.' },
    categories: ['bridge'],
    access: [true, null, true],
  },
  {
    code: 'RV03',
    at: [31, 15],
    name: { en: 'River Baths', it: 'Bagni del Fiume', de: 'Flussbad' },
    summary: {
      en: 'An art nouveau bath house, now an arts centre.',
      it: 'Uno stabilimento liberty, oggi centro d’arte.',
      de: 'Ein Jugendstilbad, heute ein Kulturzentrum.',
    },
    categories: ['monument', 'culture'],
    hours: 'We-Su 11:00-19:00',
    access: [true, true, true],
  },
  {
    code: 'NH01',
    at: [-28, -6],
    name: { en: 'Observatory', it: 'Osservatorio', ro: 'Observatorul' },
    summary: {
      en: 'The old observatory opens its dome on clear Fridays.',
      it: 'Il vecchio osservatorio apre la cupola i venerdì sereni.',
      ro: 'Vechiul observator își deschide cupola vinerea, când e senin.',
    },
    categories: ['science'],
    hours: 'Fr 20:00-23:00',
    access: [false, false, true],
    osm: ['way', 123456731],
  },
  {
    code: 'NH02',
    at: [-22, -12],
    name: { en: 'Vineyard Slope Path', it: 'Sentiero della Costa delle Vigne' },
    summary: {
      en: 'A path through terraced vineyards above the city.',
      it: 'Un sentiero tra i vigneti a terrazze sopra la città.',
    },
    categories: ['nature', 'viewpoint'],
    access: [false, false, true],
  },
  {
    code: 'ST01',
    at: [-2, -6],
    name: { en: 'Central Station', it: 'Stazione Centrale', fr: 'Gare Centrale', de: 'Hauptbahnhof' },
    summary: {
      en: 'A 1920s station hall with painted ceilings.',
      it: 'Un atrio degli anni Venti con soffitti dipinti.',
      de: 'Eine Bahnhofshalle der 1920er mit bemalten Decken.',
    },
    categories: ['transport', 'monument'],
    hours: '24/7',
    access: [true, true, true],
    osm: ['way', 123456741],
  },
  {
    code: 'ST02',
    at: [4, -10],
    name: { en: 'New Square', it: 'Piazza Nuova' },
    summary: {
      en: 'The square of the 1960s, with a weekly flea market.',
      it: 'La piazza degli anni Sessanta, con un mercatino settimanale.',
    },
    categories: ['square', 'market'],
    hours: 'Sa 08:00-14:00',
    access: [true, true, true],
  },
  {
    code: 'UN01',
    at: [22, -6],
    name: { en: 'Botanical Garden', it: 'Orto Botanico', fr: 'Jardin Botanique', de: 'Botanischer Garten' },
    summary: {
      en: 'Medicinal plants grown here since 1591.',
      it: 'Piante medicinali coltivate qui dal 1591.',
      fr: 'Des plantes médicinales cultivées ici depuis 1591.',
      de: 'Heilpflanzen, die hier seit 1591 wachsen.',
    },
    easy: { en: 'An old garden with many plants.', it: 'Un giardino antico con tante piante.' },
    categories: ['park', 'science'],
    hours: 'Mo-Fr 09:00-17:00; Sa,Su 10:00-18:00',
    access: [true, true, true],
    quiet: 'Mo-Fr 09:00-10:00',
    osm: ['way', 123456751],
  },
  {
    code: 'UN02',
    at: [28, -11],
    name: { en: 'University Library', it: 'Biblioteca Universitaria' },
    summary: {
      en: 'A reading room under a frescoed vault, open to all.',
      it: 'Una sala di lettura sotto una volta affrescata, aperta a tutti.',
    },
    categories: ['library', 'culture'],
    hours: 'Mo-Fr 08:30-19:30',
    access: [true, true, true],
    quiet: 'Mo-Fr 08:30-19:30',
  },
  {
    code: 'UN03',
    at: [32, -4],
    name: { en: 'Anatomy Theatre', it: 'Teatro Anatomico' },
    summary: { en: 'A wooden anatomy theatre of 1637.', it: 'Un teatro anatomico in legno del 1637.' },
    categories: ['museum', 'science'],
    hours: 'Th 15:00-17:00',
    access: [false, false, true],
  },
  {
    code: 'HB05',
    at: [10, 10],
    name: { en: 'Harbour Steps', it: 'Scalinata del Porto', ro: 'Treptele Portului' },
    summary: {
      en: 'Wide steps where the city sits to watch the sunset.',
      it: 'Ampi gradini dove la città si siede a guardare il tramonto.',
      ro: 'Trepte largi unde orașul privește apusul.',
    },
    categories: ['viewpoint'],
    access: [false, null, true],
  },
];

const TOURS: Array<{
  title: T;
  summary: T;
  minutes: number;
  difficulty: 'easy' | 'moderate';
  stepFree: boolean;
  stops: string[];
}> = [
  {
    title: {
      en: 'Old Town in an hour',
      it: 'La Città Vecchia in un’ora',
      fr: 'La Vieille Ville en une heure',
      de: 'Die Altstadt in einer Stunde',
      ro: 'Orașul Vechi într-o oră',
    },
    summary: {
      en: 'From the cathedral to the walls, by the market lanes.',
      it: 'Dalla cattedrale alle mura, per i vicoli del mercato.',
      de: 'Vom Dom zur Stadtmauer, durch die Marktgassen.',
    },
    minutes: 60,
    difficulty: 'easy',
    stepFree: false,
    stops: ['OT01', 'OT03', 'OT07', 'OT05', 'OT02', 'OT06', 'OT04'],
  },
  {
    title: {
      en: 'Harbour and river, step-free',
      it: 'Porto e fiume, senza gradini',
      fr: 'Port et rivière, sans marches',
      de: 'Hafen und Fluss, stufenlos',
    },
    summary: {
      en: 'A level walk from the wharf to the botanical garden.',
      it: 'Una passeggiata in piano dal molo all’orto botanico.',
      fr: 'Une promenade à plat du quai au jardin botanique.',
    },
    minutes: 90,
    difficulty: 'easy',
    stepFree: true,
    stops: ['HB01', 'HB03', 'HB04', 'RV01', 'RV02', 'UN01'],
  },
];

export async function seedGuide(ctx: AppContext, organisation: Organisation): Promise<void> {
  const ids = new Map<string, number>();
  for (const place of PLACES) {
    const row = await ctx.db
      .insertInto('guide_place')
      .values({
        organisation_id: organisation.id,
        code: place.code,
        name: JSON.stringify(place.name),
        summary: JSON.stringify(place.summary),
        body: JSON.stringify(place.summary),
        easy_read: JSON.stringify(place.easy ?? {}),
        categories: place.categories,
        lat: Number((organisation.map.lat + place.at[1] / 1000).toFixed(6)),
        lng: Number((organisation.map.lng + place.at[0] / 1000).toFixed(6)),
        osm_type: place.osm?.[0] ?? null,
        osm_id: place.osm?.[1] ?? null,
        opening_hours: place.hours ?? null,
        step_free: place.access[0],
        accessible_toilet: place.access[1],
        seating: place.access[2],
        quiet_hours: place.quiet ?? null,
        audio_transcript: JSON.stringify(
          place.code === 'OT01'
            ? {
                en: 'Welcome to the cathedral. Look up at the black and white stripes: they are marble from two quarries.',
              }
            : {},
        ),
        report_category: 'traffic_sign',
        ibeacon: `f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:${ids.size + 1}`,
        eddystone: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(place.code, row.id);
  }
  const tourIds: number[] = [];
  for (const tour of TOURS) {
    const row = await ctx.db
      .insertInto('guide_tour')
      .values({
        organisation_id: organisation.id,
        title: JSON.stringify(tour.title),
        summary: JSON.stringify(tour.summary),
        duration_minutes: tour.minutes,
        difficulty: tour.difficulty,
        step_free: tour.stepFree,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    tourIds.push(row.id);
    await ctx.db
      .insertInto('guide_tour_stop')
      .values(
        tour.stops.map((code, index) => ({
          organisation_id: organisation.id,
          tour_id: row.id,
          position: index + 1,
          place_id: ids.get(code) ?? 0,
          note: JSON.stringify({}),
        })),
      )
      .execute();
  }
  // a guided walk next Saturday and an evening at the observatory, back-dated creation
  await sql`
    insert into guide_event (organisation_id, place_id, tour_id, title, starts_at, ends_at, created_at)
    values
      (${organisation.id}, null, ${tourIds[0] ?? null}, ${JSON.stringify({ en: 'Guided walk: Old Town in an hour', it: 'Visita guidata: la Città Vecchia in un’ora' })}::jsonb,
        date_trunc('day', now()) + interval '5 days 10 hours', date_trunc('day', now()) + interval '5 days 11 hours', now() - interval '10 days'),
      (${organisation.id}, ${ids.get('NH01') ?? null}, null, ${JSON.stringify({ en: 'Open dome night', it: 'Notte a cupola aperta' })}::jsonb,
        date_trunc('day', now()) + interval '8 days 20 hours', date_trunc('day', now()) + interval '8 days 23 hours', now() - interval '3 days')`.execute(
    ctx.db,
  );
}
