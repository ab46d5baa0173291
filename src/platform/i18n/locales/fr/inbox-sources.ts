/** fr interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Contacter la ville',
  'inbox.sources.meta.pageId': 'Identifiant de la page ou du compte Instagram',
  'inbox.sources.meta.pageId.hint':
    'Facultatif. S’il est indiqué, seules les livraisons pour cet identifiant sont gardées et ses propres commentaires ne sont jamais pris pour ceux d’habitants.',
  'inbox.sources.meta.appSecret': 'Clé secrète de l’application',
  'inbox.sources.meta.appSecret.hint':
    'Dans les paramètres de base de l’application Meta ; elle sert à vérifier la signature X-Hub-Signature-256 de chaque livraison.',
  'inbox.sources.meta.verifyToken': 'Jeton de vérification',
  'inbox.sources.meta.verifyToken.hint':
    'Un long texte aléatoire de votre choix ; saisissez le même dans les paramètres de webhook de l’application Meta.',
  'inbox.sources.meta.pageAccessToken': 'Jeton d’accès de la page',
  'inbox.sources.meta.pageAccessToken.hint':
    'Un jeton de page de longue durée autorisé à lire les commentaires et les messages et à y répondre.',
  'inbox.sources.meta.graphBase': 'Adresse de l’API Graph',
  'inbox.sources.meta.graphBase.hint': 'Laissez vide pour https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Version de l’API Graph (par défaut v21.0)',
  'inbox.sources.webhook.secret': 'Secret de signature',
  'inbox.sources.webhook.secret.hint':
    'Le système émetteur signe chaque requête avec lui (X-Signature-256: sha256=HMAC du corps).',
  'inbox.sources.webhook.replyUrl': 'Adresse pour les réponses',
  'inbox.sources.webhook.replyUrl.hint':
    'Facultatif. Les réponses des agents y sont envoyées en JSON signé ; sans elle, aucune réponse ne peut partir sur ce canal.',
  'inbox.sources.webhook.requireTimestamp': 'Exiger un horodatage',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Refuser les requêtes sans en-tête X-Timestamp, afin qu’une requête interceptée ne puisse pas être renvoyée plus tard.',
  'inbox.sources.feed.url': 'Adresse du flux',
  'inbox.sources.feed.url.hint': 'L’adresse d’un flux RSS ou Atom d’un blog local ou d’un site d’actualités.',
  'inbox.sources.feed.interval': 'Minutes entre deux consultations',
  'inbox.sources.feed.interval.hint': 'De 5 à 1440 ; 30 si le champ reste vide.',
  'inbox.sources.import.title': 'Importer des messages depuis un fichier',
  'inbox.sources.import.lead':
    'Téléversez un export CSV ou JSON d’un autre outil (suite de réseaux sociaux, outil de veille, tableur). Les colonnes comme Date, Author, Full Text ou Message, Url, Latitude et Longitude sont reconnues. Un aperçu s’affiche avant toute importation.',
  'inbox.sources.import.file': 'Fichier',
  'inbox.sources.import.file.hint':
    'CSV (séparé par des virgules, des points-virgules ou des tabulations) ou JSON, {megabytes} Mo au plus.',
  'inbox.sources.import.paste': 'Ou collez le contenu ici',
  'inbox.sources.import.preview': 'Afficher l’aperçu',
  'inbox.sources.import.summary': 'Lignes lues : {total}. Prêtes à importer : {good}. Refusées : {refused}.',
  'inbox.sources.import.columns': 'Colonnes reconnues',
  'inbox.sources.import.firstRows': 'Premières lignes ({count})',
  'inbox.sources.import.problems': 'Lignes refusées ({count})',
  'inbox.sources.import.moreProblems': 'Et {count} autres lignes refusées.',
  'inbox.sources.import.atLine': 'Ligne {position}',
  'inbox.sources.import.atItem': 'Élément {position}',
  'inbox.sources.import.problem.no-text': 'le texte est vide',
  'inbox.sources.import.problem.bad-date': 'la date manque ou est illisible',
  'inbox.sources.import.problem.bad-location': 'les coordonnées sont incomplètes ou hors limites',
  'inbox.sources.import.problem.not-an-object': 'cet élément n’est pas un objet avec des champs',
  'inbox.sources.import.problem.unterminated-quote': 'un guillemet ouvert ici n’est jamais fermé',
  'inbox.sources.import.reason.too-many-rows':
    'Le fichier compte plus de 20 000 lignes ; découpez-le en fichiers plus petits.',
  'inbox.sources.import.reason.unreadable': 'Le fichier n’est ni un tableau CSV ni une liste JSON de messages.',
  'inbox.sources.import.reason.no-text-column':
    'Aucune colonne ne contient le texte des messages (par exemple « Text », « Full Text », « Message » ou « Content »).',
  'inbox.sources.import.reason.empty': 'Le fichier est vide.',
  'inbox.sources.import.field.id': 'Identifiant',
  'inbox.sources.import.field.date': 'Date du message',
  'inbox.sources.import.field.author': 'Auteur',
  'inbox.sources.import.field.authorId': 'Identifiant de l’auteur',
  'inbox.sources.import.field.handle': 'Nom d’utilisateur',
  'inbox.sources.import.field.email': 'Adresse e-mail',
  'inbox.sources.import.field.text': 'Texte',
  'inbox.sources.import.field.title': 'Titre',
  'inbox.sources.import.field.url': 'Lien',
  'inbox.sources.import.field.channel': 'Réseau ou source',
  'inbox.sources.import.field.lat': 'Latitude du lieu',
  'inbox.sources.import.field.lng': 'Longitude du lieu',
  'inbox.sources.import.field.thread': 'Conversation d’origine',
  'inbox.sources.import.field.inReplyTo': 'Réponse à',
  'inbox.sources.import.confirm': 'Importer',
  'inbox.sources.import.channel': 'Importer dans',
  'inbox.sources.import.newChannel': 'Un nouveau canal d’importation',
  'inbox.sources.import.newChannelName': 'Nom du nouveau canal d’importation',
  'inbox.sources.import.submit': 'Importer {count} messages',
  'inbox.sources.import.done':
    'Importés : {stored}. Déjà dans la boîte de réception : {duplicates}. Refusés : {refused}.',
  'inbox.sources.import.again': 'Importer un autre fichier',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'L’horodatage de la requête manque ou s’écarte de plus de cinq minutes ; signez-la de nouveau avec l’heure actuelle.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'Le fichier dépasse la limite d’importation de 5 Mo ; découpez-le en fichiers plus petits.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'Le fichier ne peut pas être importé : ce n’est pas un export CSV ou JSON avec une colonne de texte.',
};
