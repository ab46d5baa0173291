import type { AppContext } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { insertPublishedNews } from '../publishing/index.ts';

const DAY = 86_400_000;

const NEWS: Array<{
  slug: string;
  daysAgo: number;
  department?: string;
  title: Translated;
  summary: Translated;
  body: Translated;
}> = [
  {
    slug: 'participatory-budget-2027-vote-opens',
    daysAgo: 1,
    department: 'participation',
    title: {
      en: 'Participatory budget 2027: voting is open',
      it: 'Bilancio partecipativo 2027: si vota',
      fr: 'Budget participatif 2027 : le vote est ouvert',
      ro: 'Bugetul participativ 2027: votul a început',
      de: 'Bürgerhaushalt 2027: Die Abstimmung läuft',
    },
    summary: {
      en: '2.4 million euros, 41 projects, one vote per resident aged 14 and over.',
      it: '2,4 milioni di euro, 41 progetti, un voto per ogni residente dai 14 anni in su.',
      fr: '2,4 millions d’euros, 41 projets, un vote par habitant dès 14 ans.',
      ro: '2,4 milioane de euro, 41 de proiecte, un vot pentru fiecare locuitor de la 14 ani.',
      de: '2,4 Millionen Euro, 41 Projekte, eine Stimme für alle ab 14 Jahren.',
    },
    body: {
      en: 'From today until 15 December every resident of Valmora aged 14 and over can choose how 2.4 million euros of next year’s budget are spent.\n\nYou can vote for city-wide projects and for projects in your own district. You can change your ballot until voting closes.\n\nNo computer at home? The libraries in the Old Town and in Riverside have staff who will help you vote.',
      it: 'Da oggi fino al 15 dicembre ogni residente di Valmora dai 14 anni in su può scegliere come spendere 2,4 milioni di euro del bilancio del prossimo anno.\n\nSi vota per i progetti cittadini e per quelli del proprio quartiere. Il voto si può modificare fino alla chiusura.\n\nNon hai un computer a casa? Nelle biblioteche della Città Vecchia e del Lungofiume il personale ti aiuta a votare.',
      fr: 'Jusqu’au 15 décembre, chaque habitant de Valmora âgé d’au moins 14 ans peut choisir comment dépenser 2,4 millions d’euros du budget de l’an prochain.\n\nVous votez pour des projets à l’échelle de la ville et pour des projets de votre quartier. Vous pouvez modifier votre vote jusqu’à la clôture.',
    },
  },
  {
    slug: 'harbour-promenade-works',
    daysAgo: 4,
    department: 'roads',
    title: {
      en: 'Harbour promenade: works start on 1 December',
      it: 'Passeggiata del porto: i lavori partono il 1° dicembre',
      ro: 'Promenada portului: lucrările încep la 1 decembrie',
    },
    summary: {
      en: 'The promenade will be closed in sections for six weeks. Buses 3 and 7 change route.',
      it: 'La passeggiata sarà chiusa a tratti per sei settimane. Gli autobus 3 e 7 cambiano percorso.',
      ro: 'Promenada va fi închisă pe porțiuni timp de șase săptămâni. Autobuzele 3 și 7 își schimbă traseul.',
    },
    body: {
      en: 'The Roads and Public Works department will resurface the harbour promenade and add lighting and benches, as residents asked during last spring’s consultation.\n\nThe works go section by section so that the fish market stays reachable.',
      it: 'Il servizio Strade e Lavori Pubblici rifarà la pavimentazione della passeggiata del porto e aggiungerà illuminazione e panchine, come chiesto dai residenti nella consultazione della scorsa primavera.\n\nI lavori procedono per tratti, così il mercato del pesce resta raggiungibile.',
      ro: 'Direcția Drumuri și Lucrări Publice va reface pavajul promenadei portului și va adăuga iluminat și bănci, așa cum au cerut locuitorii în consultarea de primăvara trecută.',
    },
  },
  {
    slug: 'report-problems-online',
    daysAgo: 9,
    title: {
      en: 'Report a broken streetlight or a pothole in two minutes',
      it: 'Segnala un lampione guasto o una buca in due minuti',
      fr: 'Signalez un lampadaire en panne ou un nid-de-poule en deux minutes',
      de: 'Defekte Laterne oder Schlagloch in zwei Minuten melden',
    },
    summary: {
      en: 'Your report goes straight to the department in charge, and you can follow every step.',
      it: 'La segnalazione arriva subito all’ufficio competente e puoi seguirne ogni passo.',
      fr: 'Votre signalement part directement au service compétent et vous suivez chaque étape.',
      de: 'Ihre Meldung geht direkt an die zuständige Stelle, und Sie verfolgen jeden Schritt.',
    },
    body: {
      en: 'Pick the place on the map, choose what is wrong, add a photo if you like. The city answers publicly, and you are told when the problem is fixed.\n\nYou can also write to the city on Telegram, Facebook or by e-mail: every message reaches the same team.',
      it: 'Scegli il punto sulla mappa, indica il problema, aggiungi una foto se vuoi. Il Comune risponde pubblicamente e ti avvisa quando il problema è risolto.',
      fr: 'Choisissez l’endroit sur la carte, indiquez le problème, ajoutez une photo si vous le souhaitez. La ville répond publiquement et vous prévient quand c’est réparé.',
      de: 'Wählen Sie den Ort auf der Karte, beschreiben Sie das Problem und fügen Sie gern ein Foto hinzu. Die Stadt antwortet öffentlich und sagt Ihnen, wenn es behoben ist.',
    },
  },
  {
    slug: 'youth-council-elections',
    daysAgo: 15,
    title: {
      en: 'Youth council: candidates wanted',
      it: 'Consiglio dei giovani: cercasi candidati',
      fr: 'Conseil des jeunes : appel à candidatures',
    },
    summary: {
      en: 'Are you between 14 and 18? Stand for the youth council before 30 November.',
      it: 'Hai tra 14 e 18 anni? Candidati al consiglio dei giovani entro il 30 novembre.',
      fr: 'Vous avez entre 14 et 18 ans ? Présentez-vous avant le 30 novembre.',
    },
    body: {
      en: 'The youth council advises the city on everything that concerns young people, and this year it manages 150,000 euros of the participatory budget.',
      it: 'Il consiglio dei giovani consiglia il Comune su tutto ciò che riguarda i ragazzi e quest’anno gestisce 150.000 euro del bilancio partecipativo.',
      fr: 'Le conseil des jeunes conseille la ville sur tout ce qui concerne les jeunes et gère cette année 150 000 euros du budget participatif.',
    },
  },
  {
    slug: 'master-plan-ideas-map',
    daysAgo: 22,
    title: {
      en: 'Master plan 2040: put your ideas on the map',
      it: 'Piano regolatore 2040: metti le tue idee sulla mappa',
      fr: 'Plan d’urbanisme 2040 : placez vos idées sur la carte',
      ro: 'Planul urbanistic 2040: pune-ți ideile pe hartă',
    },
    summary: {
      en: 'Mark where you want trees, crossings or a new square. Ideas are discussed in district meetings.',
      it: 'Segna dove vuoi alberi, attraversamenti o una nuova piazza. Le idee saranno discusse negli incontri di quartiere.',
      fr: 'Indiquez où vous voulez des arbres, des passages piétons ou une nouvelle place.',
      ro: 'Marchează unde vrei copaci, treceri de pietoni sau o piață nouă.',
    },
    body: {
      en: 'The draft master plan is on the map as a layer. Place an idea where it belongs; planners answer every idea and bring the most supported ones to the district meetings in January.',
      it: 'La bozza del piano regolatore è sulla mappa come livello. Colloca la tua idea nel punto giusto: i progettisti rispondono a ogni idea.',
    },
  },
];

/** A few news items in several languages, dated over the last weeks: posts on the news pages (publishing module). */
export async function seedCity(ctx: AppContext, organisation: Organisation, people: DemoPeople): Promise<void> {
  for (const item of NEWS) {
    const texts: Record<string, { title: string; summary?: string; body: string }> = {};
    for (const [language, title] of Object.entries(item.title)) {
      texts[language] = {
        title,
        summary: item.summary[language],
        body: item.body[language] ?? item.summary[language] ?? '',
      };
    }
    await insertPublishedNews(ctx.db, organisation.id, {
      slug: item.slug,
      texts,
      publishedAt: new Date(Date.now() - item.daysAgo * DAY),
      authorId: people.staff.communication ?? people.admin,
      departmentId: item.department ? (people.departments[item.department] ?? null) : null,
      defaultLanguage: organisation.defaultLanguage,
    });
  }
}
