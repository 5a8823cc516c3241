import nodemailer, { type Transporter } from 'nodemailer';
import type { Env } from '../config';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** Bounds one mail well inside the mail activity's timeout, so a hung server fails the attempt rather than the step. */
export const SMTP_TIMEOUTS_MS = { connection: 3000, greeting: 3000, socket: 5000 } as const;

/**
 * A pooled transport: the connection stays open between mails, so a send ends with the server's answer to the
 * message, and the outbox marks it sent right after (see outbox.ts for why that window matters).
 */
export function createMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url: env.SMTP_URL,
    pool: true,
    maxConnections: 2,
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: env.MAIL_FROM, ...mail, to: mail.to.join(', ') });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
