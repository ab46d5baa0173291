/** it interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Contatta il Comune',
  'inbox.sources.meta.pageId': 'ID della pagina o dell’account Instagram',
  'inbox.sources.meta.pageId.hint':
    'Facoltativo. Se indicato, si conservano solo le consegne per questo ID e i suoi commenti non vengono mai scambiati per quelli dei cittadini.',
  'inbox.sources.meta.appSecret': 'Chiave segreta dell’app',
  'inbox.sources.meta.appSecret.hint':
    'Dalle impostazioni di base dell’app Meta; serve a verificare la firma X-Hub-Signature-256 di ogni consegna.',
  'inbox.sources.meta.verifyToken': 'Token di verifica',
  'inbox.sources.meta.verifyToken.hint':
    'Un testo lungo e casuale a Sua scelta; inserisca lo stesso nelle impostazioni webhook dell’app Meta.',
  'inbox.sources.meta.pageAccessToken': 'Token di accesso della pagina',
  'inbox.sources.meta.pageAccessToken.hint':
    'Un token di pagina di lunga durata autorizzato a leggere e rispondere a commenti e messaggi.',
  'inbox.sources.meta.graphBase': 'Indirizzo della Graph API',
  'inbox.sources.meta.graphBase.hint': 'Lasciare vuoto per https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Versione della Graph API (predefinita v21.0)',
  'inbox.sources.webhook.secret': 'Segreto di firma',
  'inbox.sources.webhook.secret.hint':
    'Il sistema mittente firma ogni richiesta con esso (X-Signature-256: sha256=HMAC del corpo).',
  'inbox.sources.webhook.replyUrl': 'Indirizzo per le risposte',
  'inbox.sources.webhook.replyUrl.hint':
    'Facoltativo. Le risposte del personale vi vengono inviate come JSON firmato; senza di esso non si può rispondere su questo canale.',
  'inbox.sources.webhook.requireTimestamp': 'Richiedere una marca temporale',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Rifiutare le richieste senza intestazione X-Timestamp, così che una richiesta intercettata non possa essere reinviata più tardi.',
  'inbox.sources.feed.url': 'Indirizzo del feed',
  'inbox.sources.feed.url.hint': 'L’indirizzo di un feed RSS o Atom di un blog locale o di un sito di notizie.',
  'inbox.sources.feed.interval': 'Minuti tra due controlli',
  'inbox.sources.feed.interval.hint': 'Da 5 a 1440; 30 se lasciato vuoto.',
  'inbox.sources.import.title': 'Importare messaggi da un file',
  'inbox.sources.import.lead':
    'Carichi un’esportazione CSV o JSON di un altro strumento (gestione dei social, strumento di ascolto, foglio di calcolo). Colonne come Date, Author, Full Text o Message, Url, Latitude e Longitude vengono riconosciute. Vedrà un’anteprima prima di qualsiasi importazione.',
  'inbox.sources.import.file': 'File da importare',
  'inbox.sources.import.file.hint':
    'CSV (separato da virgole, punti e virgola o tabulazioni) o JSON, al massimo {megabytes} MB.',
  'inbox.sources.import.paste': 'Oppure incolli qui il contenuto',
  'inbox.sources.import.preview': 'Mostra l’anteprima',
  'inbox.sources.import.summary': 'Righe lette: {total}. Pronte per l’importazione: {good}. Rifiutate: {refused}.',
  'inbox.sources.import.columns': 'Colonne riconosciute',
  'inbox.sources.import.firstRows': 'Prime righe ({count})',
  'inbox.sources.import.problems': 'Righe rifiutate ({count})',
  'inbox.sources.import.moreProblems': 'E altre {count} righe rifiutate.',
  'inbox.sources.import.atLine': 'Riga {position}',
  'inbox.sources.import.atItem': 'Elemento {position}',
  'inbox.sources.import.problem.no-text': 'il testo è vuoto',
  'inbox.sources.import.problem.bad-date': 'la data manca o non è leggibile',
  'inbox.sources.import.problem.bad-location': 'le coordinate sono incomplete o fuori intervallo',
  'inbox.sources.import.problem.not-an-object': 'questo elemento non è un oggetto con campi',
  'inbox.sources.import.problem.unterminated-quote': 'le virgolette aperte qui non vengono mai chiuse',
  'inbox.sources.import.reason.too-many-rows': 'Il file ha più di 20.000 righe; lo divida in file più piccoli.',
  'inbox.sources.import.reason.unreadable': 'Il file non è né una tabella CSV né un elenco JSON di messaggi.',
  'inbox.sources.import.reason.no-text-column':
    'Nessuna colonna contiene il testo dei messaggi (ad esempio «Text», «Full Text», «Message» o «Content»).',
  'inbox.sources.import.reason.empty': 'Il file è vuoto.',
  'inbox.sources.import.field.id': 'Identificativo',
  'inbox.sources.import.field.date': 'Data',
  'inbox.sources.import.field.author': 'Autore',
  'inbox.sources.import.field.authorId': 'Identificativo dell’autore',
  'inbox.sources.import.field.handle': 'Nome utente',
  'inbox.sources.import.field.email': 'Indirizzo e-mail',
  'inbox.sources.import.field.text': 'Testo',
  'inbox.sources.import.field.title': 'Titolo',
  'inbox.sources.import.field.url': 'Collegamento',
  'inbox.sources.import.field.channel': 'Rete o fonte',
  'inbox.sources.import.field.lat': 'Latitudine',
  'inbox.sources.import.field.lng': 'Longitudine',
  'inbox.sources.import.field.thread': 'Conversazione',
  'inbox.sources.import.field.inReplyTo': 'Risposta a',
  'inbox.sources.import.confirm': 'Importazione',
  'inbox.sources.import.channel': 'Importare in',
  'inbox.sources.import.newChannel': 'Un nuovo canale di importazione',
  'inbox.sources.import.newChannelName': 'Nome del nuovo canale di importazione',
  'inbox.sources.import.submit': 'Importa {count} messaggi',
  'inbox.sources.import.done': 'Importati: {stored}. Già nella posta in arrivo: {duplicates}. Rifiutati: {refused}.',
  'inbox.sources.import.again': 'Importa un altro file',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'La marca temporale della richiesta manca o si discosta di oltre cinque minuti; la firmi di nuovo con l’ora attuale.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'Il file supera il limite di importazione di 5 MB; lo divida in file più piccoli.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'Il file non può essere importato: non è un’esportazione CSV o JSON con una colonna di testo.',
};
