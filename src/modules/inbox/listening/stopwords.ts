/**
 * The most frequent words of each interface language that say nothing about a topic, left out of the
 * dashboard's "most frequent terms". Short on purpose: words of two letters or fewer are dropped anyway.
 */
export const STOPWORDS: Record<string, readonly string[]> = {
  en: "the and for that this with are was were have has had not but you your they them their there here what when where which who will would can could should from into about just than then also very been being its our out all any some more most only over such too get got does did doing dont cant its it's i'm im yes please thanks thank still again one two every since days day week today".split(
    ' ',
  ),
  de: 'der die das und ist nicht ein eine einer eines einem einen den dem des mit von auf für sich auch wie aber wir ihr sie uns euch noch nur schon bei aus nach war sind hat haben wird werden kann können mehr sehr dass was wer wenn dann oder als zum zur vom ich mir mich man doch mal hier dort bitte danke immer wieder seit tagen tage woche heute'.split(
    ' ',
  ),
  fr: 'les des une pour que qui dans sur pas par avec est sont ont été être avoir mais nous vous ils elles leur leurs son ses sa aux ces cette cet tout tous toute plus moins très bien aussi comme fait faire même encore déjà ici là merci quand donc car elle lui moi toi rien depuis jours semaine'
    .split(' ')
    .concat(["aujourd'hui"]),
  es: 'los las una uno unos unas para por con que del sus pero más muy este esta estos estas ese esa eso hay está están son fue ser estar tiene tienen nos les todo todos toda también como cuando donde qué porque sin sobre entre hasta desde ya aquí gracias otra otro siempre'.split(
    ' ',
  ),
  it: 'della delle degli dello dei del che non per con una uno sono anche come più questo questa questi queste quello quella nel nella nei alla alle allo agli dal dalla suo sua loro noi voi lui lei hanno essere fatto fare molto tutto tutti tutte ancora già qui grazie quando perché però fino sul sulla giorni giorno settimana oggi'.split(
    ' ',
  ),
  pt: 'das dos uma uns umas para por com que não mais muito este esta estes estas esse essa isso há está estão são foi ser estar tem têm nos lhe tudo todos toda também como quando onde porque sem sobre entre até desde aqui obrigado obrigada ainda pela pelo pelos pelas'.split(
    ' ',
  ),
  nl: 'het een van dat die niet zijn met voor ook als maar wat zijn wij jij hij zij hun ons onze deze dit daar hier naar bij uit nog wel geen meer heel zeer worden wordt werd heeft hebben kan kunnen moet moeten alle alles zoals omdat toen dan dus bedankt graag weer altijd'.split(
    ' ',
  ),
  ro: 'care este sunt pentru din cea cel cele din mai foarte acest această aceste acesta aceasta acolo aici iar sau dar nici fost fie avea are au noi voi lor lui ele ei unui unei unor prin spre după până despre când unde cum fiindcă pentru mulțumesc încă deja tot toate toți zile săptămână astăzi azi'.split(
    ' ',
  ),
  bg: 'това тази този тези които която който което как като има няма със без при под над към след пред между само още вече много също защото когато където или ако нас вас тях той тя те ние вие сме сте бъде беше били една един едно благодаря отново винаги'.split(
    ' ',
  ),
  et: 'see need mis kes kus kui aga ning ning ka ega või oli olid olema oleme olete nad meie teie tema seda selle sellel selles siin seal veel juba väga kõik mitte ilma kuni pärast enne üle alla tänan palun jälle alati ainult lihtsalt'.split(
    ' ',
  ),
  hu: 'egy hogy nem van volt lesz vagy mint már még csak nagyon ezt azt ezek azok itt ott mert amikor ahol kell lehet lesz minden mindig újra köszönöm kérem nekem neki nekünk nektek őket minket titeket pedig sem is de és az a'.split(
    ' ',
  ),
};
