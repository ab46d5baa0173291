/** nl interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Contact met de gemeente',
  'inbox.sources.meta.pageId': 'ID van de pagina of het Instagram-account',
  'inbox.sources.meta.pageId.hint':
    'Optioneel. Indien ingevuld, worden alleen leveringen voor dit ID bewaard en worden de eigen reacties nooit voor die van inwoners aangezien.',
  'inbox.sources.meta.appSecret': 'Appgeheim',
  'inbox.sources.meta.appSecret.hint':
    'Uit de basisinstellingen van de Meta-app; hiermee wordt de handtekening X-Hub-Signature-256 van elke levering gecontroleerd.',
  'inbox.sources.meta.verifyToken': 'Verificatietoken',
  'inbox.sources.meta.verifyToken.hint':
    'Een lange willekeurige tekst naar keuze; vul dezelfde in bij de webhookinstellingen van de Meta-app.',
  'inbox.sources.meta.pageAccessToken': 'Toegangstoken van de pagina',
  'inbox.sources.meta.pageAccessToken.hint':
    'Een langlopend paginatoken met toestemming om reacties en berichten te lezen en te beantwoorden.',
  'inbox.sources.meta.graphBase': 'Adres van de Graph API',
  'inbox.sources.meta.graphBase.hint': 'Leeg laten voor https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Versie van de Graph API (standaard v21.0)',
  'inbox.sources.webhook.secret': 'Ondertekeningsgeheim',
  'inbox.sources.webhook.secret.hint':
    'Het verzendende systeem ondertekent er elk verzoek mee (X-Signature-256: sha256=HMAC van de inhoud).',
  'inbox.sources.webhook.replyUrl': 'Adres voor antwoorden',
  'inbox.sources.webhook.replyUrl.hint':
    'Optioneel. Antwoorden van medewerkers worden daarheen gestuurd als ondertekende JSON; zonder dit adres kan op dit kanaal niet worden geantwoord.',
  'inbox.sources.webhook.requireTimestamp': 'Tijdstempel verplicht stellen',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Verzoeken zonder X-Timestamp-header weigeren, zodat een onderschept verzoek later niet opnieuw kan worden verstuurd.',
  'inbox.sources.feed.url': 'Adres van de feed',
  'inbox.sources.feed.url.hint': 'Het adres van een RSS- of Atom-feed van een lokale blog of nieuwssite.',
  'inbox.sources.feed.interval': 'Minuten tussen twee controles',
  'inbox.sources.feed.interval.hint': 'Van 5 tot 1440; 30 als het leeg blijft.',
  'inbox.sources.import.title': 'Berichten uit een bestand importeren',
  'inbox.sources.import.lead':
    'Upload een CSV- of JSON-export van een ander hulpmiddel (socialemediapakket, monitoringtool, spreadsheet). Kolommen zoals Date, Author, Full Text of Message, Url, Latitude en Longitude worden herkend. U ziet een voorbeeld voordat er iets wordt geïmporteerd.',
  'inbox.sources.import.file': 'Bestand',
  'inbox.sources.import.file.hint':
    'CSV (gescheiden door komma’s, puntkomma’s of tabs) of JSON, hoogstens {megabytes} MB.',
  'inbox.sources.import.paste': 'Of plak de inhoud hier',
  'inbox.sources.import.preview': 'Voorbeeld tonen',
  'inbox.sources.import.summary': 'Gelezen rijen: {total}. Klaar om te importeren: {good}. Geweigerd: {refused}.',
  'inbox.sources.import.columns': 'Herkende kolommen',
  'inbox.sources.import.firstRows': 'Eerste rijen ({count})',
  'inbox.sources.import.problems': 'Geweigerde rijen ({count})',
  'inbox.sources.import.moreProblems': 'En nog {count} geweigerde rijen.',
  'inbox.sources.import.atLine': 'Regel {position}',
  'inbox.sources.import.atItem': 'Element {position}',
  'inbox.sources.import.problem.no-text': 'de tekst is leeg',
  'inbox.sources.import.problem.bad-date': 'de datum ontbreekt of is onleesbaar',
  'inbox.sources.import.problem.bad-location': 'de coördinaten zijn onvolledig of buiten bereik',
  'inbox.sources.import.problem.not-an-object': 'dit element is geen object met velden',
  'inbox.sources.import.problem.unterminated-quote': 'een hier geopend aanhalingsteken wordt nooit gesloten',
  'inbox.sources.import.reason.too-many-rows':
    'Het bestand heeft meer dan 20.000 rijen; splits het in kleinere bestanden.',
  'inbox.sources.import.reason.unreadable': 'Het bestand is geen CSV-tabel en geen JSON-lijst met berichten.',
  'inbox.sources.import.reason.no-text-column':
    'Geen enkele kolom bevat de tekst van de berichten (bijvoorbeeld „Text”, „Full Text”, „Message” of „Content”).',
  'inbox.sources.import.reason.empty': 'Het bestand is leeg.',
  'inbox.sources.import.field.id': 'Kenmerk',
  'inbox.sources.import.field.date': 'Datum',
  'inbox.sources.import.field.author': 'Auteur',
  'inbox.sources.import.field.authorId': 'Kenmerk van de auteur',
  'inbox.sources.import.field.handle': 'Gebruikersnaam',
  'inbox.sources.import.field.email': 'E-mailadres',
  'inbox.sources.import.field.text': 'Tekst',
  'inbox.sources.import.field.title': 'Titel',
  'inbox.sources.import.field.url': 'Koppeling',
  'inbox.sources.import.field.channel': 'Netwerk of bron',
  'inbox.sources.import.field.lat': 'Breedtegraad',
  'inbox.sources.import.field.lng': 'Lengtegraad',
  'inbox.sources.import.field.thread': 'Gesprek',
  'inbox.sources.import.field.inReplyTo': 'Antwoord op',
  'inbox.sources.import.confirm': 'Importeren',
  'inbox.sources.import.channel': 'Importeren in',
  'inbox.sources.import.newChannel': 'Een nieuw importkanaal',
  'inbox.sources.import.newChannelName': 'Naam van het nieuwe importkanaal',
  'inbox.sources.import.submit': '{count} berichten importeren',
  'inbox.sources.import.done': 'Geïmporteerd: {stored}. Al in de inbox: {duplicates}. Geweigerd: {refused}.',
  'inbox.sources.import.again': 'Nog een bestand importeren',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'De tijdstempel van het verzoek ontbreekt of wijkt meer dan vijf minuten af; onderteken het opnieuw met de huidige tijd.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'Het bestand is groter dan de importlimiet van 5 MB; splits het in kleinere bestanden.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'Het bestand kan niet worden geïmporteerd: het is geen CSV- of JSON-export met een tekstkolom.',
};
