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

export function createMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
  const transport: Transporter = nodemailer.createTransport(env.SMTP_URL);
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: env.MAIL_FROM, ...mail, to: mail.to.join(', ') });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
