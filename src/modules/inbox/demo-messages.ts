/**
 * What Valmora's residents wrote to the city in the demo: conversations on every channel, in eight
 * languages, with the city's answers. Written for this project; names and addresses are invented.
 */
export type DemoChannel = 'email' | 'telegram' | 'mastodon' | 'facebook' | 'instagram' | 'feed' | 'web';

export interface DemoConversation {
  channel: DemoChannel;
  author: string;
  handle?: string;
  subject?: string;
  /** Days before the demo starts when the first message arrived. */
  daysAgo: number;
  messages: Array<{ from: 'resident' | 'city'; text: string; afterHours?: number }>;
  department?: 'communication' | 'roads' | 'parks' | 'waste' | 'mobility' | 'participation';
  status?: 'new' | 'open' | 'waiting' | 'done';
  codes?: string[];
  /** Turned into a report of this category (by its code in the reports demo). */
  report?: boolean;
}

export const DEMO_CONVERSATIONS: DemoConversation[] = [
  {
    channel: 'email',
    author: 'Giulia Ferraro',
    subject: 'Rifiuti non raccolti in Via del Porto',
    daysAgo: 1,
    department: 'waste',
    status: 'open',
    codes: ['Cleanliness', 'Repeated problem'],
    report: true,
    messages: [
      {
        from: 'resident',
        text: 'Buongiorno, da cinque giorni i cassonetti in Via del Porto 40 non vengono svuotati. C’è un odore terribile e i gabbiani spargono i sacchetti ovunque. Potete intervenire?',
      },
      {
        from: 'city',
        afterHours: 3,
        text: 'Gentile signora Ferraro, grazie della segnalazione. L’abbiamo registrata come segnalazione pubblica e inoltrata all’Ufficio Rifiuti: può seguirla al link che riceverà.',
      },
      { from: 'resident', afterHours: 20, text: 'Ancora nulla stamattina. Per favore, è una situazione indecente.' },
    ],
  },
  {
    channel: 'facebook',
    author: 'Marco Bellini',
    daysAgo: 1,
    department: 'waste',
    status: 'new',
    codes: ['Cleanliness'],
    messages: [
      {
        from: 'resident',
        text: 'Porto di Valmora = discarica a cielo aperto. Sacchi ovunque sul Lungomare Colombo, vergogna!',
      },
    ],
  },
  {
    channel: 'instagram',
    author: 'Sofia R.',
    handle: 'sofia.valmora',
    daysAgo: 0,
    department: 'waste',
    status: 'new',
    messages: [
      {
        from: 'resident',
        text: 'Lungomare Colombo stamattina 🤢 la spazzatura arriva fino in spiaggia #valmora #porto',
      },
    ],
  },
  {
    channel: 'telegram',
    author: 'Andrei Ionescu',
    handle: 'andrei_io',
    daysAgo: 0,
    department: 'waste',
    status: 'open',
    codes: ['Cleanliness'],
    messages: [
      {
        from: 'resident',
        text: 'Bună ziua, gunoiul nu a fost ridicat de o săptămână pe Molo dei Pescatori. Miroase îngrozitor.',
      },
      {
        from: 'city',
        afterHours: 1,
        text: 'Bună ziua, vă mulțumim. Echipa de salubrizare va trece în zona portului mâine dimineață.',
      },
    ],
  },
  {
    channel: 'web',
    author: 'Hannah Weber',
    daysAgo: 2,
    department: 'waste',
    status: 'waiting',
    messages: [
      {
        from: 'resident',
        text: 'Seit Tagen quellen die Mülltonnen am Molo dei Pescatori über. Bitte kümmern Sie sich darum, das ist unzumutbar.',
      },
      {
        from: 'city',
        afterHours: 5,
        text: 'Sehr geehrte Frau Weber, vielen Dank für Ihre Nachricht. Die Abfuhr im Hafenviertel war wegen eines defekten Fahrzeugs ausgefallen; die Leerung ist für morgen geplant.',
      },
    ],
  },
  {
    channel: 'mastodon',
    author: 'Luca Conti',
    handle: 'luca@social.example',
    daysAgo: 1,
    status: 'new',
    department: 'waste',
    messages: [
      { from: 'resident', text: '@valmora il porto è pieno di rifiuti da giorni. Qualcuno se ne occupa? #Valmora' },
    ],
  },
  {
    channel: 'email',
    author: 'Pierre Martin',
    subject: 'Éclairage en panne rue de l’Université',
    daysAgo: 9,
    department: 'roads',
    status: 'done',
    codes: ['Safety perception', 'Lighting'],
    report: true,
    messages: [
      {
        from: 'resident',
        text: 'Bonjour, trois lampadaires sont éteints Via dell’Università depuis une semaine. Le soir, la rue est très sombre et je ne me sens pas en sécurité en rentrant du campus.',
      },
      {
        from: 'city',
        afterHours: 6,
        text: 'Bonjour Monsieur Martin, merci pour votre message. Nous avons ouvert un signalement et la voirie interviendra cette semaine.',
      },
      {
        from: 'resident',
        afterHours: 80,
        text: 'Les lampadaires fonctionnent de nouveau. Merci beaucoup pour la rapidité !',
      },
    ],
  },
  {
    channel: 'telegram',
    author: 'Elena Popa',
    handle: 'elenap',
    daysAgo: 15,
    department: 'mobility',
    status: 'done',
    codes: ['Public transport'],
    messages: [
      {
        from: 'resident',
        text: 'Autobuzul 4 spre Gara întârzie în fiecare dimineață cu 15 minute. Ajung mereu târziu la serviciu.',
      },
      {
        from: 'city',
        afterHours: 10,
        text: 'Vă mulțumim. Am transmis observația operatorului de transport; din luna viitoare linia 4 va avea o cursă în plus la 7:40.',
      },
      { from: 'resident', afterHours: 30, text: 'Super, mulțumesc pentru răspuns!' },
    ],
  },
  {
    channel: 'facebook',
    author: 'Anna Schmidt',
    daysAgo: 4,
    department: 'parks',
    status: 'done',
    codes: ['Praise for staff'],
    messages: [
      {
        from: 'resident',
        text: 'Ein großes Lob an die Gärtner im Orto Botanico! Die neuen Blumenbeete sind wunderschön.',
      },
      { from: 'city', afterHours: 4, text: 'Herzlichen Dank, wir geben Ihr Lob gern an das Team weiter!' },
    ],
  },
  {
    channel: 'instagram',
    author: 'Chiara M.',
    handle: 'chiara.photos',
    daysAgo: 6,
    status: 'done',
    department: 'parks',
    codes: ['Praise for staff'],
    messages: [{ from: 'resident', text: 'Tramonto sul Lungofiume, grazie per le nuove panchine 😍 #valmora' }],
  },
  {
    channel: 'email',
    author: 'James Carter',
    subject: 'Question about the participatory budget',
    daysAgo: 3,
    department: 'participation',
    status: 'waiting',
    codes: ['Request for information'],
    messages: [
      {
        from: 'resident',
        text: 'Hello, I moved to Valmora last month. Can I vote in the participatory budget if I am not on the census yet? How do I get verified?',
      },
      {
        from: 'city',
        afterHours: 20,
        text: 'Dear Mr Carter, welcome to Valmora! Once you are registered at the citizens’ desk you can verify your account online with your identity document, or in person at the desk. Then you can vote until the end of the balloting phase.',
      },
    ],
  },
  {
    channel: 'web',
    author: 'Maria Santos',
    daysAgo: 12,
    department: 'mobility',
    status: 'open',
    codes: ['Accessibility'],
    messages: [
      {
        from: 'resident',
        text: 'Olá, a passadeira em frente à Piazza della Stazione não tem rampa. Com o carrinho do bebé é impossível atravessar em segurança.',
      },
    ],
  },
  {
    channel: 'mastodon',
    author: 'Jan de Vries',
    handle: 'jandevries@mastodon.example',
    daysAgo: 20,
    department: 'mobility',
    status: 'done',
    codes: ['Cycling'],
    messages: [
      {
        from: 'resident',
        text: '@valmora Het nieuwe fietspad langs de Viale del Fiume is geweldig. Eindelijk veilig fietsen naar het centrum!',
      },
      {
        from: 'city',
        afterHours: 2,
        text: '@jandevries Dank u wel! Het volgende stuk tot de Riva dei Salici is gepland voor het voorjaar.',
      },
    ],
  },
  {
    channel: 'facebook',
    author: 'Paolo Greco',
    daysAgo: 18,
    department: 'communication',
    status: 'done',
    codes: ['Noise'],
    messages: [
      { from: 'resident', text: 'Ogni venerdì musica altissima fino alle 3 in Piazza del Campus. Non si dorme più!' },
      {
        from: 'city',
        afterHours: 26,
        text: 'Gentile signor Greco, abbiamo chiesto alla Polizia Locale controlli nei fine settimana e ricordato ai locali l’orario della musica all’aperto.',
      },
    ],
  },
  {
    channel: 'email',
    author: 'Claire Dubois',
    subject: 'Fuite d’eau Via dei Mulini',
    daysAgo: 2,
    department: 'roads',
    status: 'open',
    codes: ['Water'],
    report: true,
    messages: [
      {
        from: 'resident',
        text: 'Bonjour, de l’eau jaillit du trottoir devant le 22 Via dei Mulini depuis ce matin. Cela gaspille beaucoup d’eau potable.',
      },
    ],
  },
  {
    channel: 'telegram',
    author: 'Radu Stan',
    handle: 'radu_s',
    daysAgo: 7,
    department: 'parks',
    status: 'open',
    messages: [
      {
        from: 'resident',
        text: 'Locul de joacă din Giardini del Mulino are un leagăn rupt. E periculos pentru copii.',
      },
    ],
  },
  {
    channel: 'web',
    author: 'Oliver Brown',
    daysAgo: 25,
    department: 'communication',
    status: 'done',
    codes: ['Request for information', 'Events'],
    messages: [
      {
        from: 'resident',
        text: 'When does the summer festival on the waterfront start this year, and will the roads around the harbour be closed?',
      },
      {
        from: 'city',
        afterHours: 8,
        text: 'Dear Mr Brown, the festival runs from 12 to 14 July. Lungomare Colombo is closed to cars from 6 pm on those days; buses 2 and 5 are diverted via Corso Garibaldi.',
      },
    ],
  },
  {
    channel: 'instagram',
    author: 'Lucía Gómez',
    handle: 'lucia.gz',
    daysAgo: 10,
    status: 'done',
    codes: ['Events'],
    messages: [
      { from: 'resident', text: '¡Qué bonito el concierto de anoche en la Piazza del Duomo! Gracias Valmora 🎶' },
    ],
  },
  {
    channel: 'mastodon',
    author: 'Tobias Keller',
    handle: 'tkeller@social.example',
    daysAgo: 5,
    department: 'mobility',
    status: 'new',
    codes: ['Cycling', 'Safety perception'],
    messages: [
      {
        from: 'resident',
        text: '@valmora Am Corso Garibaldi parken ständig Autos auf dem Radweg. Gefährlich für alle Radfahrer.',
      },
    ],
  },
  {
    channel: 'facebook',
    author: 'Ioana Marin',
    daysAgo: 30,
    department: 'participation',
    status: 'done',
    codes: ['Housing'],
    messages: [
      {
        from: 'resident',
        text: 'Chiriile în zona Universității au crescut enorm. Ce face primăria pentru locuințe accesibile pentru studenți?',
      },
      {
        from: 'city',
        afterHours: 48,
        text: 'Vă mulțumim pentru întrebare. Planul urbanistic în consultare prevede 120 de locuințe pentru studenți lângă Campus; vă invităm să vă spuneți părerea pe platformă.',
      },
    ],
  },
  {
    channel: 'email',
    author: 'Roberto Esposito',
    subject: 'Certificato di residenza',
    daysAgo: 35,
    department: 'communication',
    status: 'done',
    codes: ['Request for information'],
    messages: [
      {
        from: 'resident',
        text: 'Salve, vorrei sapere se il certificato di residenza si può richiedere online o se devo venire allo sportello.',
      },
      {
        from: 'city',
        afterHours: 30,
        text: 'Buongiorno, il certificato si scarica online dall’area personale del sito del Comune, gratuitamente.',
      },
      { from: 'resident', afterHours: 33, text: 'Perfetto, fatto in due minuti. Grazie!' },
    ],
  },
  {
    channel: 'telegram',
    author: 'Mihai Dumitru',
    handle: 'mihaid',
    daysAgo: 45,
    department: 'roads',
    status: 'done',
    report: true,
    messages: [
      {
        from: 'resident',
        text: 'Groapă mare în asfalt pe Corso Garibaldi, lângă nr. 80. Am văzut deja o bicicletă căzând.',
      },
      {
        from: 'city',
        afterHours: 4,
        text: 'Mulțumim! Am deschis o sesizare; echipa de drumuri o va repara în această săptămână.',
      },
    ],
  },
  {
    channel: 'web',
    author: 'Sophie Laurent',
    daysAgo: 0,
    status: 'new',
    messages: [
      {
        from: 'resident',
        text: 'Bonjour, le distributeur de tickets de la gare est encore en panne ce matin. Impossible d’acheter un billet.',
      },
    ],
  },
  {
    channel: 'email',
    author: 'Emily Clarke',
    subject: 'Dog waste in the park',
    daysAgo: 3,
    department: 'parks',
    status: 'open',
    codes: ['Cleanliness'],
    messages: [
      {
        from: 'resident',
        text: 'The lawn at Mill Gardens is covered in dog mess again. Could you add more bins and signs? Children play there.',
      },
    ],
  },
];

/** Short posts that fill the listening dashboard with a believable flow over two months. */
export const DEMO_FLOW: Array<{
  channel: DemoChannel;
  text: string;
  district?: 'old-town' | 'harbour' | 'riverside' | 'north-hills' | 'station' | 'university';
}> = [
  { channel: 'mastodon', text: 'Traffico bloccato in Corso Garibaldi, come ogni mattina.', district: 'station' },
  { channel: 'facebook', text: 'Bravi per la nuova pista ciclabile sul Viale del Fiume!', district: 'riverside' },
  { channel: 'instagram', text: 'Beautiful morning at the Botanical Garden 🌿', district: 'university' },
  { channel: 'facebook', text: 'Les poubelles de la Via dei Mercanti débordent encore.', district: 'old-town' },
  { channel: 'mastodon', text: 'The bus to the station was late again today.', district: 'station' },
  { channel: 'telegram', text: 'Iluminatul public pe Strada delle Vigne nu funcționează.', district: 'north-hills' },
  { channel: 'instagram', text: 'Mercatino di Natale in Piazza del Duomo, che atmosfera! ✨', district: 'old-town' },
  { channel: 'facebook', text: 'Die Straßenlaternen in der Via Nuova sind seit Tagen aus.', district: 'station' },
  { channel: 'mastodon', text: 'Great concert at Piazza del Campus last night, thanks!', district: 'university' },
  {
    channel: 'facebook',
    text: 'Troppe buche in Via dell’Osservatorio, pericoloso per le moto.',
    district: 'north-hills',
  },
  { channel: 'instagram', text: 'Le nouveau parc du Lungofiume est magnifique.', district: 'riverside' },
  { channel: 'telegram', text: 'Zgomot de la șantier de la 6 dimineața pe Via del Porto.', district: 'harbour' },
  { channel: 'mastodon', text: 'Parkeren bij het station is onmogelijk geworden.', district: 'station' },
  { channel: 'facebook', text: 'Qualcuno ha abbandonato un divano in Vicolo del Forno.', district: 'old-town' },
  { channel: 'instagram', text: 'Sunset over the harbour, Valmora never disappoints 🌅', district: 'harbour' },
  { channel: 'feed', text: 'Valmora: approvato il nuovo piano per il verde urbano, 300 alberi entro il 2027.' },
  {
    channel: 'feed',
    text: 'Comitato di quartiere del Porto chiede più controlli sulla raccolta dei rifiuti.',
    district: 'harbour',
  },
  {
    channel: 'feed',
    text: 'Università di Valmora: nuovo studentato in consultazione pubblica.',
    district: 'university',
  },
  {
    channel: 'facebook',
    text: 'Complimenti agli operatori per la pulizia dopo la festa del Lungomare.',
    district: 'harbour',
  },
  { channel: 'mastodon', text: 'La fontana di Piazza del Duomo è senz’acqua da una settimana.', district: 'old-town' },
  { channel: 'telegram', text: 'Mulțumesc pentru noul parc de joacă de la Riva dei Salici!', district: 'riverside' },
  { channel: 'facebook', text: 'Die Busse am Wochenende fahren viel zu selten.', district: 'station' },
  {
    channel: 'instagram',
    text: 'Graffiti su tutte le facciate di Via dei Mercanti, che tristezza.',
    district: 'old-town',
  },
  { channel: 'mastodon', text: 'Water pressure in North Hills is very low in the evenings.', district: 'north-hills' },
];

/** The wave of complaints about uncollected rubbish in the harbour in the last two days (an alert). */
export const DEMO_WAVE: string[] = [
  'Cassonetti pieni da giorni in Via del Porto, che schifo!',
  'Rifiuti ovunque sul Lungomare Colombo, i gabbiani aprono i sacchi.',
  'Garbage has not been collected at the harbour for a week. Disgusting.',
  'Ancora spazzatura al Molo dei Pescatori, nessuno passa a raccogliere!',
  'Les poubelles du port débordent, c’est insupportable.',
  'Gunoiul de pe Via del Porto nu a mai fost ridicat, e groaznic.',
  'Der Müll am Hafen stinkt furchtbar, seit Tagen keine Abholung.',
  'Porto di Valmora sommerso dai rifiuti, vergognoso.',
  'Bins overflowing on Lungomare Colombo again, terrible smell.',
  'Sacchi della spazzatura abbandonati davanti al Molo dei Pescatori.',
];

/** Building blocks of the everyday background of messages: a topic's phrasings per language, with a place. */
export const DEMO_PHRASES: Record<'en' | 'it' | 'fr' | 'de' | 'ro', Array<{ text: string; positive?: boolean }>> = {
  en: [
    { text: 'Overflowing bins on {place} again.' },
    { text: 'Potholes on {place} are getting worse every week.' },
    { text: 'The street lights on {place} have been off since Monday.' },
    { text: 'Thanks for cleaning up {place} so quickly!', positive: true },
    { text: 'Loud music every night near {place}, please do something.' },
    { text: 'Lovely new benches on {place}, well done.', positive: true },
    { text: 'Cars parked on the pavement all along {place}.' },
    { text: 'Is the market on {place} open this Sunday?' },
  ],
  it: [
    { text: 'Cassonetti stracolmi in {place}, come sempre.' },
    { text: 'Buche enormi in {place}, qualcuno si farà male.' },
    { text: 'I lampioni in {place} sono spenti da giorni.' },
    { text: 'Grazie per aver sistemato il marciapiede in {place}!', positive: true },
    { text: 'Rumore fino a tarda notte in {place}, impossibile dormire.' },
    { text: 'Che bello il nuovo verde in {place}, complimenti.', positive: true },
    { text: 'Auto in doppia fila tutto il giorno in {place}.' },
    { text: 'A che ora passa l’autobus in {place} la domenica?' },
  ],
  fr: [
    { text: 'Les poubelles débordent encore {place}.' },
    { text: 'Nids-de-poule dangereux {place}, il faut réparer.' },
    { text: 'Plus d’éclairage public {place} depuis une semaine.' },
    { text: 'Merci pour le nettoyage rapide {place} !', positive: true },
    { text: 'Du bruit toute la nuit {place}, c’est pénible.' },
    { text: 'Les nouveaux arbres {place} sont superbes.', positive: true },
  ],
  de: [
    { text: 'Die Mülleimer {place} sind schon wieder voll.' },
    { text: 'Gefährliche Schlaglöcher {place}, bitte reparieren.' },
    { text: 'Die Straßenbeleuchtung {place} ist seit Tagen aus.' },
    { text: 'Danke für die schnelle Reinigung {place}!', positive: true },
    { text: 'Jede Nacht Lärm {place}, unerträglich.' },
  ],
  ro: [
    { text: 'Coșurile de gunoi de pe {place} sunt iar pline.' },
    { text: 'Gropi periculoase pe {place}, vă rugăm reparați.' },
    { text: 'Iluminatul public pe {place} nu funcționează de zile întregi.' },
    { text: 'Mulțumim pentru curățenia rapidă de pe {place}!', positive: true },
    { text: 'Zgomot toată noaptea pe {place}, nu se poate dormi.' },
  ],
};

/** How each language puts a street into a sentence ("on Via Nuova", "in Via Nuova", "Via Nuova"). */
export const DEMO_PLACE_FORMS: Record<keyof typeof DEMO_PHRASES, (street: string) => string> = {
  en: (street) => street,
  it: (street) => street,
  fr: (street) => `dans la ${street}`,
  de: (street) => `in der ${street}`,
  ro: (street) => street,
};

/** The default topics' names in the interface languages, for the city's topic list. */
export const TOPIC_NAMES: Record<string, Record<string, string>> = {
  waste: {
    en: 'Waste and cleanliness',
    it: 'Rifiuti e decoro',
    fr: 'Déchets et propreté',
    ro: 'Deșeuri și curățenie',
    de: 'Abfall und Sauberkeit',
    es: 'Residuos y limpieza',
    pt: 'Resíduos e limpeza',
    nl: 'Afval en netheid',
    bg: 'Отпадъци и чистота',
    et: 'Jäätmed ja puhtus',
    hu: 'Hulladék és tisztaság',
  },
  mobility: {
    en: 'Mobility and traffic',
    it: 'Mobilità e traffico',
    fr: 'Mobilité et circulation',
    ro: 'Mobilitate și trafic',
    de: 'Mobilität und Verkehr',
    es: 'Movilidad y tráfico',
    pt: 'Mobilidade e trânsito',
    nl: 'Mobiliteit en verkeer',
    bg: 'Мобилност и трафик',
    et: 'Liikuvus ja liiklus',
    hu: 'Közlekedés és forgalom',
  },
  'green-spaces': {
    en: 'Parks and green spaces',
    it: 'Parchi e verde',
    fr: 'Parcs et espaces verts',
    ro: 'Parcuri și spații verzi',
    de: 'Parks und Grünflächen',
    es: 'Parques y zonas verdes',
    pt: 'Parques e espaços verdes',
    nl: 'Parken en groen',
    bg: 'Паркове и зелени площи',
    et: 'Pargid ja haljasalad',
    hu: 'Parkok és zöldterületek',
  },
  safety: {
    en: 'Safety',
    it: 'Sicurezza',
    fr: 'Sécurité',
    ro: 'Siguranță',
    de: 'Sicherheit',
    es: 'Seguridad',
    pt: 'Segurança',
    nl: 'Veiligheid',
    bg: 'Безопасност',
    et: 'Turvalisus',
    hu: 'Biztonság',
  },
  events: {
    en: 'Events and culture',
    it: 'Eventi e cultura',
    fr: 'Événements et culture',
    ro: 'Evenimente și cultură',
    de: 'Veranstaltungen und Kultur',
    es: 'Eventos y cultura',
    pt: 'Eventos e cultura',
    nl: 'Evenementen en cultuur',
    bg: 'Събития и култура',
    et: 'Üritused ja kultuur',
    hu: 'Események és kultúra',
  },
  lighting: {
    en: 'Street lighting',
    it: 'Illuminazione pubblica',
    fr: 'Éclairage public',
    ro: 'Iluminat public',
    de: 'Straßenbeleuchtung',
    es: 'Alumbrado público',
    pt: 'Iluminação pública',
    nl: 'Straatverlichting',
    bg: 'Улично осветление',
    et: 'Tänavavalgustus',
    hu: 'Közvilágítás',
  },
  water: {
    en: 'Water',
    it: 'Acqua',
    fr: 'Eau',
    ro: 'Apă',
    de: 'Wasser',
    es: 'Agua',
    pt: 'Água',
    nl: 'Water',
    bg: 'Вода',
    et: 'Vesi',
    hu: 'Víz',
  },
  noise: {
    en: 'Noise',
    it: 'Rumore',
    fr: 'Bruit',
    ro: 'Zgomot',
    de: 'Lärm',
    es: 'Ruido',
    pt: 'Ruído',
    nl: 'Geluidsoverlast',
    bg: 'Шум',
    et: 'Müra',
    hu: 'Zaj',
  },
  housing: {
    en: 'Housing',
    it: 'Casa',
    fr: 'Logement',
    ro: 'Locuințe',
    de: 'Wohnen',
    es: 'Vivienda',
    pt: 'Habitação',
    nl: 'Wonen',
    bg: 'Жилища',
    et: 'Eluase',
    hu: 'Lakhatás',
  },
  administration: {
    en: 'City services',
    it: 'Servizi comunali',
    fr: 'Services municipaux',
    ro: 'Servicii publice',
    de: 'Bürgerdienste',
    es: 'Servicios municipales',
    pt: 'Serviços municipais',
    nl: 'Gemeentelijke diensten',
    bg: 'Общински услуги',
    et: 'Linna teenused',
    hu: 'Városi szolgáltatások',
  },
};

/** The department that answers for each default topic in the demo city. */
export const TOPIC_DEPARTMENTS: Record<string, string> = {
  waste: 'waste',
  mobility: 'mobility',
  'green-spaces': 'parks',
  lighting: 'roads',
  water: 'roads',
  events: 'communication',
  noise: 'communication',
  safety: 'communication',
  housing: 'participation',
  administration: 'communication',
};
