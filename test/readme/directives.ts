/**
 * What the README announces about a ```sh block, in an HTML comment right before it (blank lines
 * may sit between; GitHub does not render it):
 *
 *     <!-- readme-test: continues; exit 1 "uprate ingest customers.csv offers.csv" -->
 *
 * Directives, separated by `;` or new lines ("PREFIX" matches the commands that start with it):
 *
 * | directive | meaning |
 * |---|---|
 * | `continues` | run in the previous block's folder and shell: its variables, its running server |
 * | `needs postgres` / `needs clickhouse` | every command needs that server: run when it answers, else skipped (a failure under CI) |
 * | `server dev` / `server token` | the text around the block assumes a running server: the test starts `uprate serve --dev`, or `uprate serve` with `UPRATE_API_SECRET` and exports `TOKEN` signed with it (the recipe of "Serve") |
 * | `skip "PREFIX": REASON` | not run, for REASON (counted and reported) |
 * | `exit 3 "PREFIX"`, `exit 0\|3 "PREFIX"` | the exit codes the README announces in words for those commands (default 0); `… printing "TEXT"`: and the output that says why |
 * | `replace "TEXT" with postgres\|postgres reader\|clickhouse\|secret\|webhook` | a placeholder: the test server's URL (a read-only role's for `postgres reader`), a 64-hex secret, or a webhook receiver's URL; a command using a server placeholder needs that server |
 * | `file NAME: yaml above` | write the nearest ```yaml block above this one to NAME first |
 * | `file offers.csv: bad row` | the offers file gets one row that breaks the rules (`offer_type=upgrade`) after its good ones |
 */

export type Service = 'postgres' | 'clickhouse';
export type Substitute = 'postgres' | 'postgres reader' | 'clickhouse' | 'secret' | 'webhook';

export interface Directives {
  readonly continues: boolean;
  readonly needs: readonly Service[];
  readonly server?: 'dev' | 'token';
  readonly skips: readonly { readonly prefix: string; readonly reason: string }[];
  readonly exits: readonly { readonly prefix: string; readonly codes: readonly number[]; readonly printing?: string }[];
  readonly replaces: readonly { readonly text: string; readonly with: Substitute }[];
  readonly files: readonly { readonly name: string; readonly source: 'yaml above' | 'bad row' }[];
}

export const NO_DIRECTIVES: Directives = { continues: false, needs: [], skips: [], exits: [], replaces: [], files: [] };

const SUBSTITUTES: readonly Substitute[] = ['postgres reader', 'postgres', 'clickhouse', 'secret', 'webhook'];

/** Splits on `;` and new lines outside double quotes. */
function split(text: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ';' || c === '\n')) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out.map((d) => d.trim()).filter((d) => d.length > 0);
}

/** Parses the body of a `readme-test:` comment; `where` (README.md:LINE) prefixes every error. */
export function parseDirectives(text: string, where: string): Directives {
  const d = { continues: false, needs: [] as Service[], server: undefined as 'dev' | 'token' | undefined, skips: [] as Directives['skips'][number][], exits: [] as Directives['exits'][number][], replaces: [] as Directives['replaces'][number][], files: [] as Directives['files'][number][] };
  for (const part of split(text)) {
    let m: RegExpExecArray | null;
    if (part === 'continues') d.continues = true;
    else if ((m = /^needs (postgres|clickhouse)$/.exec(part))) d.needs.push(m[1] as Service);
    else if ((m = /^server (dev|token)$/.exec(part))) d.server = m[1] as 'dev' | 'token';
    else if ((m = /^skip "([^"]+)":\s*(\S.*)$/.exec(part))) d.skips.push({ prefix: m[1] ?? '', reason: m[2] ?? '' });
    else if ((m = /^exit (\d+(?:\|\d+)*) "([^"]+)"(?: printing "([^"]+)")?$/.exec(part))) d.exits.push({ prefix: m[2] ?? '', codes: (m[1] ?? '').split('|').map(Number), ...(m[3] ? { printing: m[3] } : {}) });
    else if ((m = /^replace "([^"]+)" with (.+)$/.exec(part)) && SUBSTITUTES.includes(m[2] as Substitute)) d.replaces.push({ text: m[1] ?? '', with: m[2] as Substitute });
    else if ((m = /^file (\S+): (yaml above|bad row)$/.exec(part))) d.files.push({ name: m[1] ?? '', source: m[2] as 'yaml above' | 'bad row' });
    else throw new Error(`${where}: unknown readme-test directive '${part}' (see test/readme/directives.ts)`);
  }
  return d.server ? { ...d, server: d.server } : { continues: d.continues, needs: d.needs, skips: d.skips, exits: d.exits, replaces: d.replaces, files: d.files };
}
