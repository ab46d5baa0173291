import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../db/database.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { maskEmail } from '../logger.ts';

export interface OutgoingMail {
  organisationId: number;
  to: string;
  subject: string;
  text: string;
  /** An HTML part beside the text (the same content); the mail then goes out as multipart/alternative. */
  html?: string;
  /**
   * Written by the platform by itself (a confirmation link, a notification), not by a person: marked
   * `Auto-Submitted: auto-generated` (RFC 3834) so that mail servers send no out-of-office answers back.
   * A staff answer to a resident is a person's mail: `false`. Default `true`.
   */
  automatic?: boolean;
  /**
   * A notification the recipient can stop: the https address that stops it, given as `List-Unsubscribe`
   * with `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). The address must take a POST with
   * no cookie and no CSRF token (the token in the address is the proof) and stop the mails at once.
   */
  unsubscribeUrl?: string;
}

/** The extra header fields of a mail (see OutgoingMail). */
export function mailHeaders(mail: Pick<OutgoingMail, 'automatic' | 'unsubscribeUrl'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (mail.automatic !== false) headers['Auto-Submitted'] = 'auto-generated';
  if (mail.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${mail.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return headers;
}

/**
 * Sends e-mail through a job, so that a slow or failing SMTP server never blocks a request and a mail
 * is retried until it goes. Every mail is kept in `core_mail`: without SMTP it stays there (the
 * administrators' outbox page) and is written to the log, which is how development works.
 */
export class Mailer {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #config: Config;
  readonly #jobs: JobQueue;
  readonly #transport: Transporter | undefined;

  constructor(config: Config, db: Db, jobs: JobQueue, log: Logger) {
    this.#config = config;
    this.#db = db;
    this.#jobs = jobs;
    this.#log = log;
    this.#transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : undefined;
    jobs.register('mail.send', (job) => this.#deliver((job.payload as { mailId: number }).mailId));
  }

  /** Stores the mail and queues its delivery; within `executor`'s transaction when one is given. */
  async send(mail: OutgoingMail, executor: Executor = this.#db): Promise<number> {
    const row = await executor
      .insertInto('core_mail')
      .values({
        organisation_id: mail.organisationId,
        to_address: mail.to,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html ?? null,
        headers: JSON.stringify(mailHeaders(mail)),
        status: this.#transport ? 'queued' : 'outbox',
        error: null,
        sent_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (this.#transport) {
      await this.#jobs.enqueue(
        'mail.send',
        { mailId: row.id },
        { organisationId: mail.organisationId, maxAttempts: 8 },
        executor,
      );
    } else {
      // outside production the log is the developer's mailbox (links to confirm accounts); in production the body stays out of it
      const shown =
        this.#config.env === 'production' ? {} : { to: maskEmail(mail.to), subject: mail.subject, text: mail.text };
      this.#log.info({ mailId: row.id, ...shown }, 'mail kept in the outbox (no SMTP_URL set)');
    }
    return row.id;
  }

  async #deliver(mailId: number): Promise<void> {
    const mail = await this.#db.selectFrom('core_mail').selectAll().where('id', '=', mailId).executeTakeFirst();
    if (!mail || mail.status === 'sent' || !this.#transport) return;
    try {
      await this.#transport.sendMail({
        from: this.#config.mail.from,
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        ...(mail.html_body ? { html: mail.html_body } : {}),
        headers: mail.headers,
      });
      await this.#db
        .updateTable('core_mail')
        .set({ status: 'sent', sent_at: new Date(), error: null })
        .where('id', '=', mailId)
        .execute();
    } catch (error) {
      const permanent = permanentRefusal(error);
      await this.#db
        .updateTable('core_mail')
        .set({
          error: (permanent ?? (error as Error).message).slice(0, 500),
          ...(permanent ? { status: 'failed' as const } : {}),
        })
        .where('id', '=', mailId)
        .execute();
      // a recipient the server refuses for good (5xx at RCPT TO or DATA) is not tried again: the mail is
      // `failed` with the server's answer, which the modules that send lists read as a hard bounce
      if (!permanent) throw error;
    }
  }

  close(): void {
    this.#transport?.close();
  }
}

/**
 * The SMTP server's answer when it refused the recipient or the message for good (a 5xx reply to
 * RCPT TO or DATA: "550 5.1.1 no such user"), as `"550 <reply>"`; undefined for everything that may pass
 * later (4xx, a connection or authentication problem, which are the relay's and not the recipient's).
 */
export function permanentRefusal(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { responseCode, command, response } = error as Error & {
    responseCode?: number;
    command?: string;
    response?: string;
  };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return undefined;
  if (command !== 'RCPT TO' && command !== 'DATA') return undefined;
  const reply = typeof response === 'string' && response ? response : error.message;
  return reply.startsWith(String(responseCode)) ? reply : `${responseCode} ${reply}`;
}
