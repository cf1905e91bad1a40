import { createWriteStream, realpathSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UprateError } from '../core/errors.js';

/**
 * Where HTTP ingest spools request bodies, and how nothing of that place leaks out.
 *
 * Each upload gets a private folder `<tmpdir>/uprate-ingest-spool-<uid>/<pid>-<random>/`, removed
 * when the load ends. A server that crashed leaves its folders behind; the next start sweeps
 * those of processes that are gone (never a live server's). The spool folder is the user's own
 * (mode 0700, per user id), so another account on the machine cannot swap an upload.
 *
 * Errors leaving a load name the upload (`http-body.csv`, or the X-Uprate-Source name): every
 * message, location, hint and detail is rewritten, so a client never learns a server path.
 */

/** uprate's own spool folder under the temp dir (one per user where the platform has user ids). */
export function spoolRoot(): string {
  const uid = process.getuid?.();
  return join(tmpdir(), uid === undefined ? 'uprate-ingest-spool' : `uprate-ingest-spool-${uid}`);
}

/** Whether a process is alive (one of another user counts: it exists). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the spool folders whose owning process is gone (best effort: a folder that cannot be
 * removed stays). Returns the folders removed.
 */
export async function sweepSpool(root = spoolRoot(), alive: (pid: number) => boolean = pidAlive): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = /^(\d+)-/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    const dir = join(root, name);
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's, or busy: left for a later start.
    }
  }
  return removed;
}

/** Creates the spool folder, or checks that the one there is this user's own real folder. */
async function ownRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const stat = await lstat(root);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0))) {
    throw new UprateError('ENGINE_UNAVAILABLE', `the ingest spool folder ${root} is not this server's own (a link, another user's, or open to others)`, {
      hint: `remove ${root}; the server creates it again`,
    });
  }
}

/**
 * Writes `body` to `<spool>/<pid>-<random>/<name>`, runs `load` on that file, and removes the
 * folder whatever happens. An error from any step calls the file `shownAs` (the upload's name),
 * and never names the spool.
 */
export async function withSpooledUpload<T>(body: Readable, name: string, shownAs: string, load: (file: string) => Promise<T>, root = spoolRoot()): Promise<T> {
  let dir: string | undefined;
  let file: string | undefined;
  try {
    await ownRoot(root);
    dir = await mkdtemp(join(root, `${process.pid}-`));
    file = join(dir, name);
    await pipeline(body, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return await load(file);
  } catch (e) {
    throw namedAfterUpload(e, [...(file ? [[file, shownAs] as const] : []), ...(dir ? [[dir, '(upload)'] as const] : []), [root, '(spool)'], [tmpdir(), '(tmp)']]);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

type Replacement = readonly [path: string, shownAs: string];

/** Each path (and its real path, if a link leads there) replaced, most specific first. */
function replacer(replacements: readonly Replacement[]): (text: string) => string {
  const pairs: Replacement[] = [];
  for (const [path, shownAs] of replacements) {
    pairs.push([path, shownAs]);
    const real = realPath(path);
    if (real !== path) pairs.push([real, shownAs]);
  }
  // A root-like path ('/', 'C:\\') is no evidence of anything and would garble every message.
  return (text) => pairs.reduce((t, [path, shownAs]) => (path.length > 3 ? t.replaceAll(path, shownAs) : t), text);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function scrub(value: unknown, clean: (text: string) => string): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, clean));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, clean)]));
  return value;
}

/** The error with every path of the spool replaced; the original stays as its cause (for the server log). */
function namedAfterUpload(e: unknown, replacements: readonly Replacement[]): unknown {
  const clean = replacer(replacements);
  if (e instanceof UprateError) {
    return new UprateError(e.code, clean(e.message), {
      ...(e.location === undefined ? {} : { location: clean(e.location) }),
      ...(e.hint === undefined ? {} : { hint: clean(e.hint) }),
      ...(e.details === undefined ? {} : { details: scrub(e.details, clean) }),
      cause: e,
    });
  }
  if (!(e instanceof Error)) return new Error(clean(String(e)));
  // Fastify's own errors keep their status and code (a 4xx is answered with its message).
  const out = new Error(clean(e.message), { cause: e }) as Error & { statusCode?: unknown; code?: unknown };
  const { statusCode, code } = e as Error & { statusCode?: unknown; code?: unknown };
  if (statusCode !== undefined) out.statusCode = statusCode;
  if (code !== undefined) out.code = code;
  return out;
}
