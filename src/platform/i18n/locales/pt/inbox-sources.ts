/** pt interface strings: inbox sources (contact form, imports, webhooks, feeds). */
export const inboxSources = {
  'inbox.contact.nav': 'Contactar o município',
  'inbox.sources.meta.pageId': 'ID da página ou da conta de Instagram',
  'inbox.sources.meta.pageId.hint':
    'Opcional. Se indicado, só são guardadas as entregas para este ID e os seus próprios comentários nunca são tomados por comentários de munícipes.',
  'inbox.sources.meta.appSecret': 'Chave secreta da aplicação',
  'inbox.sources.meta.appSecret.hint':
    'Nas definições básicas da aplicação Meta; serve para verificar a assinatura X-Hub-Signature-256 de cada entrega.',
  'inbox.sources.meta.verifyToken': 'Token de verificação',
  'inbox.sources.meta.verifyToken.hint':
    'Um texto longo e aleatório à sua escolha; introduza o mesmo nas definições de webhook da aplicação Meta.',
  'inbox.sources.meta.pageAccessToken': 'Token de acesso da página',
  'inbox.sources.meta.pageAccessToken.hint':
    'Um token de página de longa duração com permissão para ler e responder a comentários e mensagens.',
  'inbox.sources.meta.graphBase': 'Endereço da Graph API',
  'inbox.sources.meta.graphBase.hint': 'Deixe vazio para https://graph.facebook.com.',
  'inbox.sources.meta.graphVersion': 'Versão da Graph API (predefinição v21.0)',
  'inbox.sources.webhook.secret': 'Segredo de assinatura',
  'inbox.sources.webhook.secret.hint':
    'O sistema emissor assina cada pedido com ele (X-Signature-256: sha256=HMAC do corpo).',
  'inbox.sources.webhook.replyUrl': 'Endereço para as respostas',
  'inbox.sources.webhook.replyUrl.hint':
    'Opcional. As respostas dos funcionários são enviadas para lá em JSON assinado; sem ele, não é possível responder neste canal.',
  'inbox.sources.webhook.requireTimestamp': 'Exigir carimbo temporal',
  'inbox.sources.webhook.requireTimestamp.hint':
    'Recusar pedidos sem o cabeçalho X-Timestamp, para que um pedido intercetado não possa ser reenviado mais tarde.',
  'inbox.sources.feed.url': 'Endereço do feed',
  'inbox.sources.feed.url.hint': 'O endereço de um feed RSS ou Atom de um blogue local ou de um sítio de notícias.',
  'inbox.sources.feed.interval': 'Minutos entre verificações',
  'inbox.sources.feed.interval.hint': 'De 5 a 1440; 30 se ficar vazio.',
  'inbox.sources.import.title': 'Importar mensagens de um ficheiro',
  'inbox.sources.import.lead':
    'Carregue uma exportação CSV ou JSON de outra ferramenta (gestor de redes sociais, ferramenta de escuta, folha de cálculo). São reconhecidas colunas como Date, Author, Full Text ou Message, Url, Latitude e Longitude. Verá uma pré-visualização antes de qualquer importação.',
  'inbox.sources.import.file': 'Ficheiro',
  'inbox.sources.import.file.hint':
    'CSV (separado por vírgulas, pontos e vírgulas ou tabulações) ou JSON, no máximo {megabytes} MB.',
  'inbox.sources.import.paste': 'Ou cole aqui o conteúdo',
  'inbox.sources.import.preview': 'Mostrar a pré-visualização',
  'inbox.sources.import.summary': 'Linhas lidas: {total}. Prontas a importar: {good}. Recusadas: {refused}.',
  'inbox.sources.import.columns': 'Colunas reconhecidas',
  'inbox.sources.import.firstRows': 'Primeiras linhas ({count})',
  'inbox.sources.import.problems': 'Linhas recusadas ({count})',
  'inbox.sources.import.moreProblems': 'E mais {count} linhas recusadas.',
  'inbox.sources.import.atLine': 'Linha {position}',
  'inbox.sources.import.atItem': 'Elemento {position}',
  'inbox.sources.import.problem.no-text': 'o texto está vazio',
  'inbox.sources.import.problem.bad-date': 'a data falta ou não é legível',
  'inbox.sources.import.problem.bad-location': 'as coordenadas estão incompletas ou fora dos limites',
  'inbox.sources.import.problem.not-an-object': 'este elemento não é um objeto com campos',
  'inbox.sources.import.problem.unterminated-quote': 'as aspas abertas aqui nunca são fechadas',
  'inbox.sources.import.reason.too-many-rows':
    'O ficheiro tem mais de 20 000 linhas; divida-o em ficheiros mais pequenos.',
  'inbox.sources.import.reason.unreadable': 'O ficheiro não é uma tabela CSV nem uma lista JSON de mensagens.',
  'inbox.sources.import.reason.no-text-column':
    'Nenhuma coluna contém o texto das mensagens (por exemplo «Text», «Full Text», «Message» ou «Content»).',
  'inbox.sources.import.reason.empty': 'O ficheiro está vazio.',
  'inbox.sources.import.field.id': 'Identificador',
  'inbox.sources.import.field.date': 'Data',
  'inbox.sources.import.field.author': 'Autor',
  'inbox.sources.import.field.authorId': 'Identificador do autor',
  'inbox.sources.import.field.handle': 'Nome de utilizador',
  'inbox.sources.import.field.email': 'Endereço de e-mail',
  'inbox.sources.import.field.text': 'Texto',
  'inbox.sources.import.field.title': 'Título',
  'inbox.sources.import.field.url': 'Ligação',
  'inbox.sources.import.field.channel': 'Rede ou fonte',
  'inbox.sources.import.field.lat': 'Latitude do local',
  'inbox.sources.import.field.lng': 'Longitude do local',
  'inbox.sources.import.field.thread': 'Conversa',
  'inbox.sources.import.field.inReplyTo': 'Resposta a',
  'inbox.sources.import.confirm': 'Importar',
  'inbox.sources.import.channel': 'Importar para',
  'inbox.sources.import.newChannel': 'Um novo canal de importação',
  'inbox.sources.import.newChannelName': 'Nome do novo canal de importação',
  'inbox.sources.import.submit': 'Importar {count} mensagens',
  'inbox.sources.import.done': 'Importadas: {stored}. Já na caixa de entrada: {duplicates}. Recusadas: {refused}.',
  'inbox.sources.import.again': 'Importar outro ficheiro',
  'inbox.error.INBOX_WEBHOOK_TIMESTAMP':
    'O carimbo temporal do pedido falta ou difere mais de cinco minutos; assine-o de novo com a hora atual.',
  'inbox.error.INBOX_IMPORT_TOO_LARGE':
    'O ficheiro excede o limite de importação de 5 MB; divida-o em ficheiros mais pequenos.',
  'inbox.error.INBOX_IMPORT_FORMAT':
    'O ficheiro não pode ser importado: não é uma exportação CSV ou JSON com uma coluna de texto.',
};
