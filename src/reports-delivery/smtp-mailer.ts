/**
 * Sending one email through the configured SMTP server (nodemailer), retried as webhooks are:
 * exponential backoff with jitter (src/alerts/webhook.ts `backoffDelay`) after connection failures,
 * timeouts and 4xx answers; a permanent rejection (5xx) or refused credentials are final. Every
 * attempt carries the same Message-ID and X-Uprate-Delivery header, so a mail server that took a
 * message whose answer was lost sees the retry as the same message.
 */
import { createHash } from 'node:crypto';
import { errorMessage } from '../core/errors.js';
import { backoffDelay, DELIVERY_HEADER, type DeliveryEffects, type DeliveryResult } from '../alerts/webhook.js';
import type { SmtpSetup } from './delivery-setup.js';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `<hex@uprate>`: one Message-ID per once-only key. */
export function messageId(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@uprate>`;
}

interface SmtpFailure {
  readonly code?: string | undefined;
  readonly responseCode?: number | undefined;
  readonly permanent?: boolean | undefined;
}

/** A rejection that sending the same message again would get again. */
function final(e: SmtpFailure): boolean {
  return e.permanent === true || e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'ECONFIG';
}

export async function sendEmail(smtp: SmtpSetup, message: EmailMessage, key: string, effects: DeliveryEffects = {}): Promise<DeliveryResult> {
  const sleep = effects.sleep ?? sleeper;
  const random = effects.random ?? Math.random;
  const mail = {
    from: smtp.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: messageId(key),
    headers: { [DELIVERY_HEADER]: key },
  };
  // Loaded on the first email, not by every command that could send one.
  const { default: nodemailer } = await import('nodemailer');
  let error: string | null = null;
  let status: number | null = null;
  for (let attempt = 1; attempt <= smtp.retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(smtp.backoffMs, attempt - 1, random()));
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
    try {
      await transport.sendMail(mail);
      return { delivered: true, attempts: attempt, status: 250, error: null };
    } catch (e) {
      const failure = e as SmtpFailure;
      status = failure.responseCode ?? null;
      error = `${errorMessage(e)}${failure.code ? ` (${failure.code})` : ''}`;
      if (final(failure)) return { delivered: false, attempts: attempt, status, error: `${error} (not retried: the mail server refused the message)` };
    } finally {
      transport.close();
    }
  }
  return { delivered: false, attempts: smtp.retries + 1, status, error };
}
