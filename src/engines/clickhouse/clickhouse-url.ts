import { UprateError } from '../../core/errors.js';

/**
 * `clickhouse://user:password@host:8123/database?cluster=NAME&shards=host:port,host:port&timeout=30`
 * — the HTTP interface of one server of the cluster. `shards` lists every shard's HTTP address
 * (first replica), for the statements ClickHouse runs per server (tables, commit markers); without
 * it uprate reads them from the `http_port` macro each server of the cluster defines (the
 * repository's scripts/services/clickhouse.sh does), or uses the URL's server for a one-shard cluster.
 */
export interface ClickHouseUrl {
  /** `http://host:port` (or https for `clickhouses://`). */
  readonly endpoint: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The `remote_servers` cluster the Distributed tables span; absent: a single server. */
  readonly cluster: string | undefined;
  /** Shard HTTP endpoints given in the URL. */
  readonly shards: readonly string[] | undefined;
  /** Seconds a query may take before it is cancelled with an error (default 30). */
  readonly timeoutSeconds: number;
  /** How joins of Distributed tables run: `local` (co-sharded by customer_id, default) or `global`. */
  readonly joins: 'local' | 'global';
  /** The URL without the password, for messages. */
  readonly display: string;
}

export function parseClickHouseUrl(text: string): ClickHouseUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUrl(text, 'it is not a URL');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['clickhouse', 'clickhouses', 'http', 'https'].includes(scheme)) throw badUrl(text, `the scheme is ${scheme}, not clickhouse`);
  const https = scheme === 'clickhouses' || scheme === 'https';
  const port = url.port || (https ? '8443' : '8123');
  const host = url.hostname;
  if (!host) throw badUrl(text, 'it names no host');
  const database = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, '')) || 'default';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw badUrl(text, `the database name ${JSON.stringify(database)} is not a plain identifier`);
  const cluster = url.searchParams.get('cluster') ?? undefined;
  if (cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(cluster)) throw badUrl(text, `the cluster name ${JSON.stringify(cluster)} is not a plain name`);
  const shardsParam = url.searchParams.get('shards');
  const shards = shardsParam
    ? shardsParam.split(',').map((s) => {
        const t = s.trim();
        if (!/^[A-Za-z0-9_.:[\]-]+:\d+$/.test(t)) throw badUrl(text, `shard ${JSON.stringify(s)} is not host:port`);
        return `${https ? 'https' : 'http'}://${t}`;
      })
    : undefined;
  const timeoutText = url.searchParams.get('timeout');
  const timeoutSeconds = timeoutText === null ? 30 : Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 86400) throw badUrl(text, `timeout=${timeoutText} is not a number of seconds`);
  const joins = url.searchParams.get('joins') ?? 'local';
  if (joins !== 'local' && joins !== 'global') throw badUrl(text, `joins=${joins} must be local or global`);
  const user = decodeURIComponent(url.username) || 'default';
  const display = `clickhouse://${user}@${host}:${port}/${database}${cluster ? `?cluster=${cluster}` : ''}`;
  return {
    endpoint: `${https ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    user,
    password: decodeURIComponent(url.password),
    database,
    cluster,
    shards,
    timeoutSeconds,
    joins,
    display,
  };
}

function badUrl(text: string, why: string): UprateError {
  const shown = text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return new UprateError('CONFIG_INVALID', `cannot use ClickHouse URL ${shown}: ${why}`, {
    location: '--url',
    hint: 'write it as clickhouse://user:password@host:8123/default?cluster=NAME (the HTTP port)',
  });
}
