/**
 * Raw HTTP/1.1 on loopback: request targets sent byte for byte (encoded paths, dot segments,
 * absolute-form), which fetch and app.inject would normalise first.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

export function rawRequest(port: number, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${method} ${target} in 10 s`));
    }, 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const at = text.indexOf('\r\n\r\n');
      resolve({ status, body: at < 0 ? '' : text.slice(at + 4) });
    });
    const head = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (method !== 'GET' && method !== 'HEAD') head.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  });
}

/** Ways to write the same path that a prefix check on the raw URL would miss. */
export function disguises(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  const encodeFirst = (s: string) => (s.length > 0 ? `%${s.charCodeAt(0).toString(16)}${s.slice(1)}` : s);
  const encodeAll = (s: string) => [...s].map((ch) => (/[A-Za-z]/.test(ch) ? `%${ch.charCodeAt(0).toString(16).toUpperCase()}` : ch)).join('');
  const out = new Set<string>([
    path,
    `/${segments.map((s, i) => (i === 0 ? encodeFirst(s) : s)).join('/')}`,
    `/${segments.map(encodeFirst).join('/')}`,
    `/${segments.map(encodeAll).join('/')}`,
    `//${segments.join('//')}`,
    `/${segments.join('/')}/`,
    `/./${segments.join('/./')}`,
    `/nothing/../${segments.join('/')}`,
    `/${segments.join('/%2e/')}`,
    `/${segments.join('/')}%2f`,
    path.toUpperCase(),
    `/${segments.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('/')}`,
    `${path};x=1`,
    `${path}?x=1`,
    `${path}#frag`,
    `http://example.test${path}`,
    `http://127.0.0.1${path}`,
  ]);
  return [...out];
}
