/**
 * End-to-end harness: builds the dashboard of the current web/ and src/ (once per version of them), serves demo
 * data in-process on 127.0.0.1, and drives Debian's Chromium through playwright-core.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { generateDemo } from '../../src/demo/index.js';
import { buildApp } from '../../src/server/index.js';
import type { KpiSettings } from '../../src/server/routes/kpi-api.js';
import { DuckDbStore } from '../../src/store/index.js';
import { IN_CI } from '../engines.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
/** The browser: Debian's chromium, or the executable `UPRATE_CHROMIUM` names. */
export const CHROMIUM = process.env['UPRATE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Null when CHROMIUM is an executable file; otherwise what is wrong and how to install it. */
function chromiumProblem(): string | null {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return statSync(CHROMIUM).isFile() ? null : `Chromium not found at ${CHROMIUM} (not a file)`;
  } catch {
    return `Chromium not found at ${CHROMIUM}${process.env['UPRATE_CHROMIUM'] === undefined ? '' : ' (UPRATE_CHROMIUM)'}`;
  }
}

const INSTALL = "apt-get install -y chromium, or run scripts/ci-browser.sh (as root)";

/**
 * Why the browser tests cannot run here (their skip reason), or null when they can. Under CI
 * (CI=true) a missing browser is a failure, not a skip: this throws, naming the browser, as a
 * missing database server fails the engine tests (test/engines.ts).
 */
export function browserMissing(): string | null {
  const problem = chromiumProblem();
  if (problem === null) return null;
  if (IN_CI) throw new Error(`${problem}: under CI=true the end-to-end tests must run: ${INSTALL}`);
  return `${problem}: ${INSTALL} to run the end-to-end tests`;
}

/** The demo's clock: 24 months of offers ending here; the server judges "pending" a day later. */
export const DEMO_END = new Date('2025-06-30T23:59:59Z');
export const DEMO_CLOCK = new Date('2025-07-01T12:00:00Z');

export interface BuiltDashboard {
  readonly dir: string;
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly files: readonly { name: string; bytes: number; gzipBytes: number }[];
}

/** Saves a screenshot under test-artifacts/ and names it in the test's output (node:test diagnostic). */
export async function attachScreenshot(t: { diagnostic(message: string): void }, page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  t.diagnostic(`screenshot: ${path}`);
  return path;
}

/** Every file the dashboard's build reads: web/ (not its dist/), the src/ modules it imports, the lock file. */
function dashboardSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) dashboardSources(path, out);
    else if (!name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** A hash of the build's inputs (paths and contents): equal hashes build equal dashboards. */
function dashboardSourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of [...dashboardSources(join(ROOT, 'web')), ...dashboardSources(join(ROOT, 'src')), join(ROOT, 'package-lock.json')]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/**
 * `vite build` of web/, once per version of its sources: the e2e files (each its own process)
 * share the build of the current web/ and src/ (about 3 s each, a minute of every run), kept in
 * the temp folder under the sources' hash, so an edit is always a new build. A build is written
 * to a scratch folder and renamed into place, so no test sees half of one.
 */
export async function buildDashboard(): Promise<BuiltDashboard> {
  const cache = join(tmpdir(), 'uprate-web-builds');
  const dir = join(cache, dashboardSourcesHash());
  if (!existsSync(join(dir, 'index.html'))) {
    const scratch = mkdtempSync(join(tmpdir(), 'uprate-web-'));
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'silent', build: { outDir: scratch, emptyOutDir: true } });
    mkdirSync(cache, { recursive: true });
    try {
      renameSync(scratch, dir);
    } catch {
      // Another test process put the same build there first.
      rmSync(scratch, { recursive: true, force: true });
    }
    // Builds of sources a day old are of edits long gone.
    for (const old of readdirSync(cache)) {
      const path = join(cache, old);
      if (path !== dir && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    }
  }
  const assets = join(dir, 'assets');
  const files = readdirSync(assets)
    .filter((n) => n.endsWith('.js'))
    .map((name) => {
      const bytes = statSync(join(assets, name)).size;
      return { name, bytes, gzipBytes: gzipSync(readFileSync(join(assets, name))).length };
    });
  return { dir, files, jsBytes: files.reduce((s, f) => s + f.bytes, 0), jsGzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0) };
}

export interface DemoServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: DuckDbStore;
  close(): Promise<void>;
}

/** Demo data in an in-memory DuckDB, served with the built dashboard on 127.0.0.1 (port 0). */
export async function startDemoServer(options: { webDir: string; rows?: number; secret?: string; store?: DuckDbStore; kpiSettings?: KpiSettings }): Promise<DemoServer> {
  let store = options.store;
  if (!store) {
    store = await DuckDbStore.open(':memory:');
    await generateDemo(store, { rows: options.rows ?? 60_000, seed: 42, end: DEMO_END });
  }
  const { app } = await buildApp({
    store,
    dev: options.secret === undefined,
    ...(options.secret ? { secret: options.secret } : {}),
    clock: () => DEMO_CLOCK,
    webDir: options.webDir,
    ...(options.kpiSettings ? { kpiSettings: options.kpiSettings } : {}),
    logLevel: 'silent',
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const owned = options.store === undefined;
  return {
    url,
    app,
    store,
    async close() {
      await app.close();
      if (owned) await store.close();
    },
  };
}

/** The launch the machine's notes prescribe: headless, no sandbox (root), no background traffic. */
export async function launchBrowser(options: { offline?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const problem = chromiumProblem();
  if (problem !== null) throw new Error(`${problem}: ${INSTALL}`);
  const profile = mkdtempSync(join(tmpdir(), 'uprate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    offline: options.offline ?? false,
    ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The page has drawn what it loads first (web/src/main.ts sets it). */
export const READY = "document.documentElement.dataset.ready === 'true'";

/** A built dashboard on a demo server, opened in Chromium, with the page's console errors collected. */
export interface DashboardSession {
  readonly built: BuiltDashboard;
  readonly server: DemoServer;
  readonly browser: { context: BrowserContext; close(): Promise<void> };
  readonly page: Page;
  /** Console errors and uncaught page errors, in order (a test asserts none at the end). */
  readonly consoleErrors: string[];
  /** Waits until the page says it is ready. */
  waitReady(): Promise<unknown>;
  /** A GET of the served API (200 expected), its JSON. */
  api<T>(path: string, params: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/** Builds the dashboard, serves `rows` demo offers, opens the page and waits for it to be ready. */
export async function openDashboard(options: { rows: number }): Promise<DashboardSession> {
  const built = await buildDashboard();
  const server = await startDemoServer({ webDir: built.dir, rows: options.rows });
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  const waitReady = () => page.waitForFunction(READY, null, { timeout: 60_000 });
  await page.goto(`${server.url}/`);
  await waitReady();
  return {
    built,
    server,
    browser,
    page,
    consoleErrors,
    waitReady,
    async api<T>(path: string, params: Record<string, string>): Promise<T> {
      const res = await fetch(`${server.url}${path}?${new URLSearchParams(params)}`);
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
