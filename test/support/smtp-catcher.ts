import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  data: string;
  parsed: ParsedMail;
}

/**
 * A local SMTP server speaking the real protocol (as test/platform/mail.test.ts uses), keeping every mail
 * it accepts. Addresses in `refuse` are refused for good at RCPT TO (550 5.1.1), as a relay refuses an
 * unknown mailbox.
 */
export async function startSmtpCatcher(): Promise<{
  url: string;
  mails: CaughtMail[];
  refuse: Set<string>;
  to(address: string): CaughtMail[];
  /** Waits until every mail accepted so far is parsed (a mail is accepted before nodemailer's send resolves). */
  settled(): Promise<void>;
  close(): Promise<void>;
}> {
  const mails: CaughtMail[] = [];
  const refuse = new Set<string>();
  const pending: Array<Promise<void>> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const error = new Error('5.1.1 <' + address.address + '>: Recipient address rejected: User unknown');
        callback(Object.assign(error, { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const data = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        pending.push(
          simpleParser(data).then((parsed) => {
            mails.push({ to, data, parsed });
          }),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    to(address) {
      return mails.filter((mail) => mail.to.includes(address.toLowerCase()));
    },
    async settled() {
      await Promise.all(pending);
    },
    async close() {
      await Promise.all(pending);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
