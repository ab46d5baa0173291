/** es interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Contactar con el ayuntamiento',
  'inbox.sources.meta.pageId': 'ID de la página o de la cuenta de Instagram',
  'inbox.sources.meta.pageId.hint':
    'Opcional. Si se indica, solo se guardan las entregas para este ID y sus propios comentarios nunca se toman por los de vecinos.',
  'inbox.sources.meta.appSecret': 'Clave secreta de la aplicación',
  'inbox.sources.meta.appSecret.hint':
    'En la configuración básica de la aplicación de Meta; sirve para comprobar la firma X-Hub-Signature-256 de cada entrega.',
  'inbox.sources.meta.verifyToken': 'Token de verificación',
  'inbox.sources.meta.verifyToken.hint':
    'Un texto largo y aleatorio de su elección; introduzca el mismo en la configuración de webhooks de la aplicación de Meta.',
  'inbox.sources.meta.pageAccessToken': 'Token de acceso de la página',
  'inbox.sources.meta.pageAccessToken.hint':
    'Un token de página de larga duración con permiso para leer y responder comentarios y mensajes.',
  'inbox.sources.meta.graphBase': 'Dirección de la API Graph',
  'inbox.sources.meta.graphBase.hint': 'Déjelo vacío para usar https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Versión de la API Graph (por defecto v21.0)',
  'inbox.sources.webhook.secret': 'Secreto de firma',
  'inbox.sources.webhook.secret.hint':
    'El sistema emisor firma cada petición con él (X-Signature-256: sha256=HMAC del cuerpo).',
  'inbox.sources.webhook.replyUrl': 'Dirección para las respuestas',
  'inbox.sources.webhook.replyUrl.hint':
    'Opcional. Las respuestas del personal se envían allí como JSON firmado; sin ella, no se puede responder por este canal.',
  'inbox.sources.webhook.requireTimestamp': 'Exigir marca de tiempo',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Rechazar las peticiones sin cabecera X-Timestamp, para que una petición interceptada no pueda reenviarse más tarde.',
  'inbox.sources.feed.url': 'Dirección del canal de noticias',
  'inbox.sources.feed.url.hint': 'La dirección de un canal RSS o Atom de un blog local o de un sitio de noticias.',
  'inbox.sources.feed.interval': 'Minutos entre consultas',
  'inbox.sources.feed.interval.hint': 'De 5 a 1440; 30 si se deja vacío.',
  'inbox.sources.import.title': 'Importar mensajes desde un archivo',
  'inbox.sources.import.lead':
    'Suba una exportación CSV o JSON de otra herramienta (gestor de redes sociales, herramienta de escucha, hoja de cálculo). Se reconocen columnas como Date, Author, Full Text o Message, Url, Latitude y Longitude. Verá una vista previa antes de importar nada.',
  'inbox.sources.import.file': 'Archivo',
  'inbox.sources.import.file.hint':
    'CSV (separado por comas, puntos y comas o tabuladores) o JSON, como máximo {megabytes} MB.',
  'inbox.sources.import.paste': 'O pegue aquí el contenido',
  'inbox.sources.import.preview': 'Mostrar la vista previa',
  'inbox.sources.import.summary': 'Filas leídas: {total}. Listas para importar: {good}. Rechazadas: {refused}.',
  'inbox.sources.import.columns': 'Columnas reconocidas',
  'inbox.sources.import.firstRows': 'Primeras filas ({count})',
  'inbox.sources.import.problems': 'Filas rechazadas ({count})',
  'inbox.sources.import.moreProblems': 'Y {count} filas rechazadas más.',
  'inbox.sources.import.atLine': 'Línea {position}',
  'inbox.sources.import.atItem': 'Elemento {position}',
  'inbox.sources.import.problem.no-text': 'el texto está vacío',
  'inbox.sources.import.problem.bad-date': 'la fecha falta o no se puede leer',
  'inbox.sources.import.problem.bad-location': 'las coordenadas están incompletas o fuera de rango',
  'inbox.sources.import.problem.not-an-object': 'este elemento no es un objeto con campos',
  'inbox.sources.import.problem.unterminated-quote': 'unas comillas abiertas aquí nunca se cierran',
  'inbox.sources.import.reason.too-many-rows':
    'El archivo tiene más de 20 000 filas; divídalo en archivos más pequeños.',
  'inbox.sources.import.reason.unreadable': 'El archivo no es ni una tabla CSV ni una lista JSON de mensajes.',
  'inbox.sources.import.reason.no-text-column':
    'Ninguna columna contiene el texto de los mensajes (por ejemplo «Text», «Full Text», «Message» o «Content»).',
  'inbox.sources.import.reason.empty': 'El archivo está vacío.',
  'inbox.sources.import.field.id': 'Identificador',
  'inbox.sources.import.field.date': 'Fecha',
  'inbox.sources.import.field.author': 'Autor',
  'inbox.sources.import.field.authorId': 'Identificador del autor',
  'inbox.sources.import.field.handle': 'Nombre de usuario',
  'inbox.sources.import.field.email': 'Correo electrónico',
  'inbox.sources.import.field.text': 'Texto',
  'inbox.sources.import.field.title': 'Título',
  'inbox.sources.import.field.url': 'Enlace',
  'inbox.sources.import.field.channel': 'Red o fuente',
  'inbox.sources.import.field.lat': 'Latitud',
  'inbox.sources.import.field.lng': 'Longitud',
  'inbox.sources.import.field.thread': 'Conversación',
  'inbox.sources.import.field.inReplyTo': 'Respuesta a',
  'inbox.sources.import.confirm': 'Importar',
  'inbox.sources.import.channel': 'Importar en',
  'inbox.sources.import.newChannel': 'Un nuevo canal de importación',
  'inbox.sources.import.newChannelName': 'Nombre del nuevo canal de importación',
  'inbox.sources.import.submit': 'Importar {count} mensajes',
  'inbox.sources.import.done':
    'Importados: {stored}. Ya en la bandeja de entrada: {duplicates}. Rechazados: {refused}.',
  'inbox.sources.import.again': 'Importar otro archivo',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'Falta la marca de tiempo de la petición o se desvía más de cinco minutos; fírmela de nuevo con la hora actual.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'El archivo supera el límite de importación de 5 MB; divídalo en archivos más pequeños.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'El archivo no se puede importar: no es una exportación CSV o JSON con una columna de texto.',
};
