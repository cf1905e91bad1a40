import { UprateError } from '../../core/errors.js';

/**
 * Reads Cube's request shapes: GET `?query=<json>&queryType=multi`, POST `{"query": …, "queryType": …}`
 * (the query may itself be a JSON string). Malformed JSON is a 400 naming the parameter.
 */
export interface CubeRequest {
  readonly query: unknown;
  readonly queryType: string | undefined;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UprateError('QUERY_INVALID', `${where} is not valid JSON: ${(e as Error).message}`, { location: where });
  }
}

export function readCubeRequest(method: string, queryString: unknown, body: unknown): CubeRequest {
  const source = (method === 'GET' ? queryString : body) as Record<string, unknown> | undefined | null;
  if (source === null || typeof source !== 'object') {
    throw new UprateError('QUERY_INVALID', 'Query param is required', { hint: 'send ?query=<JSON> or a JSON body {"query": {...}}' });
  }
  const raw = source['query'];
  if (raw === undefined || raw === '') {
    throw new UprateError('QUERY_INVALID', 'Query param is required', { hint: 'send ?query=<JSON> or a JSON body {"query": {...}}' });
  }
  const query = typeof raw === 'string' ? parseJson(raw, 'query') : raw;
  const queryType = source['queryType'];
  return { query, queryType: typeof queryType === 'string' ? queryType : undefined };
}
