/**
 * Each API call the dashboard makes, asked alone over HTTP of a fresh server (bench/scale-serve.ts):
 * cold — the first time this server process is asked it (the answer cache has nothing; the
 * engine has read what the calls before it read) — then cached, the median of repeats.
 */
import { median } from './measure.js';

export interface EndpointTiming {
  readonly path: string;
  readonly coldSeconds: number;
  readonly cachedSeconds: number;
  /** `x-uprate-cache` of the cold answer and of the repeats (hit expected), when the route sends one. */
  readonly coldCache: string | null;
  readonly cachedCache: string | null;
}

async function ask(origin: string, path: string): Promise<{ seconds: number; cache: string | null }> {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${origin}${path}`, { headers: { accept: 'application/json' } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path.split('?')[0]} answered ${res.status}: ${text.slice(0, 300)}`);
    // /load holds a long query and answers `Continue wait`; a client asks again at once, as the page's does.
    if (text.startsWith('{"error":"Continue wait"')) continue;
    return { seconds: (performance.now() - started) / 1000, cache: res.headers.get('x-uprate-cache') };
  }
}

export async function timeEndpoints(origin: string, paths: readonly string[], repeats = 5): Promise<EndpointTiming[]> {
  const out: EndpointTiming[] = [];
  for (const path of paths) {
    const cold = await ask(origin, path);
    const again: number[] = [];
    let cache: string | null = null;
    for (let i = 0; i < repeats; i++) {
      const r = await ask(origin, path);
      again.push(r.seconds);
      cache = r.cache;
    }
    out.push({ path, coldSeconds: cold.seconds, cachedSeconds: median(again), coldCache: cold.cache, cachedCache: cache });
  }
  return out;
}
