import { config } from '../../src/config';

export interface InboxMail {
  id: string;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  to: { address: string; name?: string }[];
  from: { address: string; name?: string }[];
  headers: Record<string, string>;
}

/** Reads what the SMTP server really received, through MailDev's REST API. */
export async function listMail(): Promise<InboxMail[]> {
  const res = await fetch(`${config().MAIL_INBOX_URL}/email`);
  if (!res.ok) throw new Error(`inbox answered ${res.status}`);
  return (await res.json()) as InboxMail[];
}

export async function waitForMail(
  match: (m: InboxMail) => boolean,
  { count = 1, timeoutMs = 15_000 }: { count?: number; timeoutMs?: number } = {},
): Promise<InboxMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await listMail()).filter(match);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}
