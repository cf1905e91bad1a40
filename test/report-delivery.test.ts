/**
 * Scheduled delivery end to end: a local SMTP server (smtp-server) and a webhook receiver on
 * 127.0.0.1, a DuckDB file with demo data, the report scheduler firing every second on croner.
 * One email and one webhook POST arrive for the month — also after the scheduler and the store are
 * closed and built again on the same file ("a restart"), and after a manual send. An SMTP server
 * that is down at the first attempt gets the email on the retry, once. Expected numbers come from
 * plain SQL on the store, never from the code under test.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { configSchema } from '../src/config/index.js';
import { generateDemo } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { reportDeliverySetup, ReportScheduler, type SendResult } from '../src/reports-delivery/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { startReceiver, type Receiver } from './alerts-receiver.js';

/** The scheduler's clock: 08:00 UTC on 2 July 2025, so the last complete month is June 2025. */
const CLOCK = new Date('2025-07-02T08:00:00Z');
const DATA_END = new Date('2025-07-01T00:00:00Z');
const FROM = 'uprate <reports@example.com>';

interface Mail {
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly raw: string;
}

interface SmtpSink {
  readonly port: number;
  readonly mails: Mail[];
  close(): Promise<void>;
}

/** A local SMTP server on 127.0.0.1 that keeps every message (no TLS, no login). */
async function startSmtp(port = 0): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        mails.push({ envelopeFrom: from ? from.address : '', envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return { port: address.port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback port nothing listens on (held, then let go). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

// --- A small MIME reader, written from RFC 2045/2047 (quoted-printable, base64, encoded words). ---

function bytesOfQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes);
}

function decodeWords(value: string): string {
  return value.replace(/\s*=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, body: string) =>
    (enc.toUpperCase() === 'B' ? Buffer.from(body, 'base64') : bytesOfQuotedPrintable(body.replace(/_/g, ' '))).toString('utf8'),
  );
}

function headerOf(block: string, name: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line === undefined ? undefined : decodeWords(line.slice(name.length + 1).trim());
}

function split(raw: string): { head: string; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  return { head: raw.slice(0, at), body: raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

/** Every leaf part of a message: its content type and decoded text. */
function parts(raw: string): { type: string; text: string }[] {
  const { head, body } = split(raw);
  const type = headerOf(head, 'content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => parts(p.replace(/^\r?\n/, '')));
  }
  const encoding = (headerOf(head, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? bytesOfQuotedPrintable(body).toString('utf8') : body;
  return [{ type: type.split(';')[0]?.trim().toLowerCase() ?? '', text }];
}

// --- The expected numbers, by plain SQL on the store. ---

/** Offers in a month and those accepted within 30 days and by the clock: the report's rate. */
async function monthCounts(store: DuckDbStore, month: string): Promise<{ n: number; k: number }> {
  const [row] = await store.query<{ n: bigint; k: bigint }>(
    `SELECT count(*) AS n,
            count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= $1::TIMESTAMP) AS k
     FROM offers WHERE offered_at >= $2::TIMESTAMP AND offered_at < $2::TIMESTAMP + INTERVAL 1 MONTH`,
    [CLOCK.toISOString().replace('Z', ''), `${month}-01`],
  );
  return { n: Number(row?.n), k: Number(row?.k) };
}

/** "17.2%": one decimal, as the report writes rates in en-US. */
const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let dir: string;
let path: string;
let model: Model;
let receiver: Receiver;
let smtp: SmtpSink;
/** The HTML part of the scheduled email (the first test), for the 390 px check. */
let emailHtml = '';
const CHROMIUM = process.env['UPRATE_CHROMIUM'] ?? '/usr/bin/chromium';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-report-delivery-'));
  path = join(dir, 'demo.duckdb');
  model = await loadModel(shippedModelDir());
  const store = await DuckDbStore.open(path);
  try {
    await generateDemo(store, { rows: 40_000, seed: 7, end: DATA_END });
  } finally {
    await store.close();
  }
  receiver = await startReceiver();
  smtp = await startSmtp();
});

after(async () => {
  await receiver?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(reports: unknown[], smtpPort: number, extra: Record<string, unknown> = {}) {
  return configSchema.parse({ reports, smtp: { host: '127.0.0.1', port: smtpPort, from: FROM, retries: 2, backoffMs: 10, timeoutMs: 5000, ...extra } });
}

describe('scheduled report delivery', { timeout: 180_000 }, () => {
  test('a cron-triggered send reaches the SMTP server and the webhook exactly once, across a restart', async () => {
    const cfg = config(
      [{ name: 'monthly', schedule: '* * * * * *', to: [{ email: 'ops@example.com' }, { webhook: receiver.url, format: 'json' }], publicUrl: 'https://uprate.example.com' }],
      smtp.port,
    );
    const setup = reportDeliverySetup(cfg);
    const runs: SendResult[] = [];

    // First life: the cron fires every second; catch-up off, so only the cron sends.
    let store = await DuckDbStore.open(path);
    let scheduler = new ReportScheduler({ store, model, setup, settings: cfg, clock: () => CLOCK, catchUp: false, onSent: (r) => runs.push(r) });
    try {
      scheduler.start();
      await until('three cron ticks', () => runs.length >= 3);
    } finally {
      await scheduler.stop();
    }
    assert.equal(smtp.mails.length, 1, 'one email');
    assert.equal(receiver.requests.length, 1, 'one webhook POST');
    assert.deepEqual(runs[0]?.deliveries.map((d) => [d.recipient.split(':')[0], d.claimed, d.delivered, d.attempts]), [['email', true, true, 1], ['webhook', true, true, 1]]);
    for (const later of runs.slice(1)) assert.ok(later.deliveries.every((d) => !d.claimed), 'later ticks send nothing');

    // What was sent, checked against plain SQL on the store.
    const june = await monthCounts(store, '2025-06');
    const may = await monthCounts(store, '2025-05');
    const lastJune = await monthCounts(store, '2024-06');
    assert.ok(june.n > 1000 && may.n > 1000 && lastJune.n > 500, `${june.n} ${may.n} ${lastJune.n}`);

    const mail = smtp.mails[0]!;
    assert.equal(mail.envelopeFrom, 'reports@example.com');
    assert.deepEqual(mail.envelopeTo, ['ops@example.com']);
    const { head } = split(mail.raw);
    assert.equal(headerOf(head, 'from'), FROM);
    assert.equal(headerOf(head, 'to'), 'ops@example.com');
    assert.equal(headerOf(head, 'subject'), `Upsell & cross-sell conversion — Jun 2025: ${pct(june.k, june.n)}`);
    assert.equal(headerOf(head, 'x-uprate-delivery'), 'report:monthly:2025-06:email:ops@example.com');
    const html = parts(mail.raw).find((p) => p.type === 'text/html')?.text ?? '';
    const text = parts(mail.raw).find((p) => p.type === 'text/plain')?.text ?? '';
    emailHtml = html;
    assert.match(html, new RegExp(`data-rate="${june.k / june.n}"`), 'the HTML carries June\'s rate from SQL');
    assert.ok(html.includes(`>${pct(june.k, june.n)}</span>`), 'and shows it');
    assert.ok(html.includes(`(${pct(may.k, may.n)})`), 'the previous month\'s rate is in the HTML');
    assert.match(html, /same month last year/);
    // No CLI commands in an emailed report; readable at 390 px.
    assert.doesNotMatch(html, /uprate (report|alerts|serve|query)\b|<code>/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /@media \(max-width:480px\)/);
    assert.match(html, /svg\{max-width:100%;height:auto\}/);
    assert.match(text, new RegExp(`Conversion rate: ${pct(june.k, june.n).replace('.', '\\.')}`));
    assert.match(text, /Previous month: .*May 2025/);
    assert.match(text, /Same month last year: .*Jun 2024 \(same month last year\)/);

    const hook = receiver.requests[0]!;
    assert.equal(hook.headers['x-uprate-delivery'], runs[0]?.deliveries[1]?.key);
    assert.match(String(hook.headers['x-uprate-delivery']), /^report:monthly:2025-06:webhook:127\.0\.0\.1:\d+#[0-9a-f]{10}$/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a received document, read field by field
    const body = JSON.parse(hook.body) as Record<string, any>;
    assert.equal(body['schema'], 'uprate.report/v1');
    assert.equal(body['period'], '2025-06');
    assert.deepEqual([body['offers'], body['accepted']], [june.n, june.k]);
    assert.ok(Math.abs(body['rate'] - june.k / june.n) < 1e-12);
    assert.equal(body['vsPreviousMonth'].period, '2025-05');
    assert.ok(Math.abs(body['vsPreviousMonth'].rate - may.k / may.n) < 1e-12);
    assert.equal(body['vsLastYear'].period, '2024-06');
    assert.ok(Math.abs(body['vsLastYear'].rate - lastJune.k / lastJune.n) < 1e-12);
    assert.ok(Math.abs(body['vsLastYear'].differencePoints - 100 * (june.k / june.n - lastJune.k / lastJune.n)) < 1e-9);
    assert.equal(body['link'], 'https://uprate.example.com/?from=2025-06-01&to=2025-06-30&grain=month');

    // "Restart": the scheduler and the store closed, built again on the same file, cron firing again.
    await store.close();
    store = await DuckDbStore.open(path);
    const before = runs.length;
    scheduler = new ReportScheduler({ store, model, setup, settings: cfg, clock: () => CLOCK, catchUp: false, onSent: (r) => runs.push(r) });
    try {
      scheduler.start();
      await until('two more cron ticks', () => runs.length >= before + 2);
      // And by hand (`uprate report send`), through the same path.
      const manual = await scheduler.send({ name: 'monthly', period: '2025-06' });
      assert.ok(manual.deliveries.every((d) => !d.claimed && !d.delivered));
    } finally {
      await scheduler.stop();
    }
    assert.equal(smtp.mails.length, 1, 'still one email after the restart');
    assert.equal(receiver.requests.length, 1, 'still one webhook POST after the restart');
    const rows = await store.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM uprate_alert_notifications WHERE notification_key LIKE 'report:monthly:%' ORDER BY notification_key`);
    assert.deepEqual(rows.map((r) => [r.status, Number(r.attempts)]), [['delivered', 1], ['delivered', 1]]);
    await store.close();
  });

  test('the emailed report is readable at 390 px: nothing wider than the screen', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (scripts/ci-browser.sh installs one)` }, async () => {
    assert.ok(emailHtml.length > 1000, 'the first test captured the email');
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.setContent(emailHtml);
      // Wide tables scroll inside their own box; nothing else may reach past the right edge.
      const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
      const outside = await page.evaluate<string[]>(
        "[...document.querySelectorAll('body *')].filter((e) => !e.closest('.table-scroll') && e.getBoundingClientRect().right > 390.5).map((e) => e.tagName)",
      );
      assert.equal(scrollWidth, 390);
      assert.deepEqual(outside, []);
    } finally {
      await browser.close();
    }
  });

  test('an SMTP server that is down at the first attempt gets the email on the retry, once', async () => {
    const port = await freePort();
    const cfg = config([{ name: 'retry', to: [{ email: 'team@example.com' }] }], port);
    const setup = reportDeliverySetup(cfg);
    let late: SmtpSink | undefined;
    const sleeps: number[] = [];
    // The backoff's sleep is where the server comes up: the retry finds it.
    const delivery = { sleep: async (ms: number) => { sleeps.push(ms); late ??= await startSmtp(port); }, random: () => 0.5 };
    const store = await DuckDbStore.open(path);
    try {
      const scheduler = new ReportScheduler({ store, model, setup, settings: cfg, clock: () => CLOCK, delivery });
      const first = await scheduler.send({ name: 'retry' });
      assert.equal(first.period, '2025-06');
      assert.deepEqual(first.deliveries.map((d) => [d.claimed, d.delivered, d.attempts]), [[true, true, 2]]);
      // One retry after backoffMs · 2^0 · (0.5 + 0.5/2) = 10 · 0.75 = 7.5 → 8 ms.
      assert.deepEqual(sleeps, [8]);
      assert.equal(late?.mails.length, 1);
      assert.deepEqual(late?.mails[0]?.envelopeTo, ['team@example.com']);
      const again = await scheduler.send({ name: 'retry' });
      assert.deepEqual(again.deliveries.map((d) => [d.claimed, d.delivered]), [[false, false]]);
      assert.equal(late?.mails.length, 1, 'not sent twice');
      await scheduler.stop();
    } finally {
      await late?.close();
      await store.close();
    }
  });

  test('an SMTP server down through every retry leaves a dead letter, and no second attempt later', async () => {
    const port = await freePort();
    const cfg = config([{ name: 'dead', to: [{ email: 'nobody@example.com' }] }], port);
    const store = await DuckDbStore.open(path);
    try {
      const scheduler = new ReportScheduler({ store, model, setup: reportDeliverySetup(cfg), settings: cfg, clock: () => CLOCK, delivery: { sleep: async () => undefined, random: () => 0.5 } });
      const result = await scheduler.send({ name: 'dead' });
      assert.deepEqual(result.deliveries.map((d) => [d.claimed, d.delivered, d.attempts]), [[true, false, 3]]);
      const [dead] = await store.query<{ url: string; attempts: number; payload: string }>(`SELECT url, attempts, payload FROM uprate_alert_dead_letters WHERE notification_key = 'report:dead:2025-06:email:nobody@example.com'`);
      assert.equal(dead?.url, 'mailto:nobody@example.com');
      assert.equal(Number(dead?.attempts), 3);
      assert.match(String(dead?.payload), /"subject":"Upsell & cross-sell conversion — Jun 2025: /);
      const again = await scheduler.send({ name: 'dead' });
      assert.deepEqual(again.deliveries.map((d) => d.claimed), [false]);
      await scheduler.stop();
    } finally {
      await store.close();
    }
  });
});

describe('catching up at start', { timeout: 120_000 }, () => {
  test("a server started after this month's run sends the last complete month at once; before it, waits for the cron", async () => {
    const cfg = config([{ name: 'late', schedule: '0 8 2 * *', to: [{ webhook: receiver.url, format: 'slack' }] }], smtp.port);
    const setup = reportDeliverySetup(cfg);
    const store = await DuckDbStore.open(path);
    const posts = () => receiver.requests.filter((r) => String(r.headers['x-uprate-delivery']).startsWith('report:late:')).length;
    try {
      // 1 July, 09:00 UTC: this month's run (2 July, 08:00) is still ahead — nothing sent at start.
      const early: SendResult[] = [];
      const waiting = new ReportScheduler({ store, model, setup, settings: cfg, clock: () => new Date('2025-07-01T09:00:00Z'), onSent: (r) => early.push(r) });
      waiting.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await waiting.stop();
      assert.equal(early.length, 0);
      // 3 July: the run on the 2nd was missed (the server was down) — June goes out at start, once.
      const late: SendResult[] = [];
      const catching = new ReportScheduler({ store, model, setup, settings: cfg, clock: () => new Date('2025-07-03T09:00:00Z'), onSent: (r) => late.push(r) });
      catching.start();
      await until('the catch-up send', () => late.length >= 1);
      await catching.stop();
      assert.equal(late[0]?.period, '2025-06');
      assert.equal(posts(), 1);
      const slack = JSON.parse(receiver.requests.find((r) => String(r.headers['x-uprate-delivery']).startsWith('report:late:'))?.body ?? '{}') as { text?: string; blocks?: unknown[] };
      assert.match(slack.text ?? '', /^:bar_chart: Upsell & cross-sell conversion — Jun 2025: \d+\.\d%/);
      assert.equal(slack.blocks?.length, 1, 'no link block without a public URL');
    } finally {
      await store.close();
    }
  });
});

describe('report delivery config', () => {
  test('problems name the field', () => {
    const bad = configSchema.safeParse({ reports: [{ name: 'monthly', schedule: 'every day', timezone: 'Mars/Olympus', to: [{ email: 'x@example.com', format: 'slack' }, {}] }] });
    assert.equal(bad.success, false);
    const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(issues.some((i) => i.startsWith('reports.0.schedule: bad cron expression')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith("reports.0.timezone: unknown time zone 'Mars/Olympus'")), issues.join('\n'));
    assert.ok(issues.includes('reports.0.to.0.format: format is for webhook recipients, not email'), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('reports.0.to.1: a recipient is either')), issues.join('\n'));
  });

  test('email recipients need an smtp section; env names must be set', () => {
    const noSmtp = configSchema.parse({ reports: [{ name: 'monthly', to: [{ email: 'ops@example.com' }] }] });
    assert.throws(() => reportDeliverySetup(noSmtp, {}), /reports\.0\.to.*email recipients need an smtp: section/s);
    const unset = configSchema.parse({ reports: [{ name: 'm', to: [{ email: 'ops@example.com' }] }], smtp: { host: 'mail', from: 'a@b.c', user: 'u', passEnv: 'UPRATE_TEST_SMTP_PASS' } });
    assert.throws(() => reportDeliverySetup(unset, {}), /smtp\.passEnv: environment variable UPRATE_TEST_SMTP_PASS is not set/);
    const ok = reportDeliverySetup(unset, { UPRATE_TEST_SMTP_PASS: 'p' });
    assert.deepEqual([ok.smtp?.port, ok.smtp?.auth], [587, { user: 'u', pass: 'p' }]);
    assert.equal(ok.reports[0]?.schedule, '0 8 2 * *');
  });
});
