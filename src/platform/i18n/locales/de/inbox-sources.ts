/** de interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Kontakt zur Stadt',
  'inbox.sources.meta.pageId': 'ID der Seite oder des Instagram-Kontos',
  'inbox.sources.meta.pageId.hint':
    'Optional. Wenn angegeben, werden nur Zustellungen für diese ID behalten, und ihre eigenen Kommentare gelten nie als solche von Einwohnerinnen und Einwohnern.',
  'inbox.sources.meta.appSecret': 'App-Geheimnis',
  'inbox.sources.meta.appSecret.hint':
    'Aus den Grundeinstellungen der Meta-App; damit wird die Signatur X-Hub-Signature-256 jeder Zustellung geprüft.',
  'inbox.sources.meta.verifyToken': 'Bestätigungstoken',
  'inbox.sources.meta.verifyToken.hint':
    'Ein langer, zufälliger Text Ihrer Wahl; geben Sie denselben in den Webhook-Einstellungen der Meta-App ein.',
  'inbox.sources.meta.pageAccessToken': 'Seitenzugriffstoken',
  'inbox.sources.meta.pageAccessToken.hint':
    'Ein langlebiges Seitentoken mit der Berechtigung, Kommentare und Nachrichten zu lesen und zu beantworten.',
  'inbox.sources.meta.graphBase': 'Adresse der Graph API',
  'inbox.sources.meta.graphBase.hint': 'Leer lassen für https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Version der Graph API (Standard v21.0)',
  'inbox.sources.webhook.secret': 'Signaturgeheimnis',
  'inbox.sources.webhook.secret.hint':
    'Das sendende System signiert damit jede Anfrage (X-Signature-256: sha256=HMAC des Inhalts).',
  'inbox.sources.webhook.replyUrl': 'Adresse für Antworten',
  'inbox.sources.webhook.replyUrl.hint':
    'Optional. Antworten der Mitarbeitenden werden dorthin als signiertes JSON gesendet; ohne sie kann auf diesem Kanal nicht geantwortet werden.',
  'inbox.sources.webhook.requireTimestamp': 'Zeitstempel verlangen',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Anfragen ohne Kopfzeile X-Timestamp ablehnen, damit eine abgefangene Anfrage später nicht erneut gesendet werden kann.',
  'inbox.sources.feed.url': 'Adresse des Feeds',
  'inbox.sources.feed.url.hint': 'Die Adresse eines RSS- oder Atom-Feeds eines lokalen Blogs oder Nachrichtenportals.',
  'inbox.sources.feed.interval': 'Minuten zwischen zwei Abrufen',
  'inbox.sources.feed.interval.hint': 'Von 5 bis 1440; 30, wenn leer gelassen.',
  'inbox.sources.import.title': 'Nachrichten aus einer Datei importieren',
  'inbox.sources.import.lead':
    'Laden Sie einen CSV- oder JSON-Export eines anderen Werkzeugs hoch (Social-Media-Suite, Monitoring-Werkzeug, Tabelle). Spalten wie Date, Author, Full Text oder Message, Url, Latitude und Longitude werden erkannt. Vor dem Import sehen Sie eine Vorschau.',
  'inbox.sources.import.file': 'Datei',
  'inbox.sources.import.file.hint':
    'CSV (durch Komma, Semikolon oder Tabulator getrennt) oder JSON, höchstens {megabytes} MB.',
  'inbox.sources.import.paste': 'Oder fügen Sie den Inhalt hier ein',
  'inbox.sources.import.preview': 'Vorschau anzeigen',
  'inbox.sources.import.summary': 'Gelesene Zeilen: {total}. Bereit zum Import: {good}. Abgelehnt: {refused}.',
  'inbox.sources.import.columns': 'Erkannte Spalten',
  'inbox.sources.import.firstRows': 'Erste Zeilen ({count})',
  'inbox.sources.import.problems': 'Abgelehnte Zeilen ({count})',
  'inbox.sources.import.moreProblems': 'Und {count} weitere abgelehnte Zeilen.',
  'inbox.sources.import.atLine': 'Zeile {position}',
  'inbox.sources.import.atItem': 'Eintrag {position}',
  'inbox.sources.import.problem.no-text': 'der Text ist leer',
  'inbox.sources.import.problem.bad-date': 'das Datum fehlt oder ist nicht lesbar',
  'inbox.sources.import.problem.bad-location':
    'die Koordinaten sind unvollständig oder außerhalb des gültigen Bereichs',
  'inbox.sources.import.problem.not-an-object': 'dieser Eintrag ist kein Objekt mit Feldern',
  'inbox.sources.import.problem.unterminated-quote': 'ein hier geöffnetes Anführungszeichen wird nie geschlossen',
  'inbox.sources.import.reason.too-many-rows':
    'Die Datei hat mehr als 20.000 Zeilen; teilen Sie sie in kleinere Dateien auf.',
  'inbox.sources.import.reason.unreadable':
    'Die Datei ist weder eine CSV-Tabelle noch eine JSON-Liste von Nachrichten.',
  'inbox.sources.import.reason.no-text-column':
    'Keine Spalte enthält den Text der Nachrichten (zum Beispiel „Text“, „Full Text“, „Message“ oder „Content“).',
  'inbox.sources.import.reason.empty': 'Die Datei ist leer.',
  'inbox.sources.import.field.id': 'Kennung',
  'inbox.sources.import.field.date': 'Datum',
  'inbox.sources.import.field.author': 'Verfasser',
  'inbox.sources.import.field.authorId': 'Kennung des Verfassers',
  'inbox.sources.import.field.handle': 'Benutzername',
  'inbox.sources.import.field.email': 'E-Mail-Adresse',
  'inbox.sources.import.field.text': 'Nachrichtentext',
  'inbox.sources.import.field.title': 'Titel',
  'inbox.sources.import.field.url': 'Verweis',
  'inbox.sources.import.field.channel': 'Netzwerk oder Quelle',
  'inbox.sources.import.field.lat': 'Breitengrad',
  'inbox.sources.import.field.lng': 'Längengrad',
  'inbox.sources.import.field.thread': 'Unterhaltung',
  'inbox.sources.import.field.inReplyTo': 'Antwort auf',
  'inbox.sources.import.confirm': 'Importieren',
  'inbox.sources.import.channel': 'Importieren in',
  'inbox.sources.import.newChannel': 'Einen neuen Importkanal',
  'inbox.sources.import.newChannelName': 'Name des neuen Importkanals',
  'inbox.sources.import.submit': '{count} Nachrichten importieren',
  'inbox.sources.import.done': 'Importiert: {stored}. Bereits im Posteingang: {duplicates}. Abgelehnt: {refused}.',
  'inbox.sources.import.again': 'Eine weitere Datei importieren',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'Der Zeitstempel der Anfrage fehlt oder weicht mehr als fünf Minuten ab; signieren Sie sie erneut mit der aktuellen Zeit.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'Die Datei ist größer als die Importgrenze von 5 MB; teilen Sie sie in kleinere Dateien auf.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'Die Datei kann nicht importiert werden: Sie ist kein CSV- oder JSON-Export mit einer Textspalte.',
};
