// Load headers (§2.1 for StarRocks, §8 for Doris). Authorization is added per hop.
import type { ResolvedOptions } from './options.ts'
import { invalid } from './options.ts'

export interface LoadRequest {
  table: string
  /** Overrides options.database for this load. */
  database?: string
  /** The dedup key (per database): a retried load must reuse it. Generated when absent. */
  label?: string
  /** Rows keyed by column name; values already JSON-ready (bigint and rawJson() stay exact). */
  rows?: ReadonlyArray<Readonly<Record<string, unknown>>>
  /** A pre-serialised body: a JSON array, or JSON objects one per line (NDJSON). */
  body?: string | Uint8Array
  columns?: string
  jsonpaths?: string
  partialUpdate?: boolean
  /** StarRocks `partial_update_mode`: row, column or auto. */
  partialUpdateMode?: 'row' | 'column' | 'auto'
  mergeCondition?: string
  timeoutSeconds?: number
  maxFilterRatio?: number
  strictMode?: boolean
  timezone?: string
  /** Doris: `merge_type` (APPEND, DELETE, MERGE). */
  mergeType?: 'APPEND' | 'DELETE' | 'MERGE'
  /** Doris: `hidden_columns`, e.g. ['__DORIS_DELETE_SIGN__'] for rows carrying a delete sign. */
  hiddenColumns?: readonly string[]
  /** Doris: `function_column.sequence_col`. */
  sequenceColumn?: string
  /** Extra raw headers; they win over the ones built here. */
  headers?: Readonly<Record<string, string>>
}

const LOAD_KEYS = new Set([
  'table',
  'database',
  'label',
  'rows',
  'body',
  'columns',
  'jsonpaths',
  'partialUpdate',
  'partialUpdateMode',
  'mergeCondition',
  'timeoutSeconds',
  'maxFilterRatio',
  'strictMode',
  'timezone',
  'mergeType',
  'hiddenColumns',
  'sequenceColumn',
  'headers',
])

/** Label formats the FE accepts: StarRocks `FeNameFormat.LABEL_REGEX`; Doris also allows ':'. */
const labelFormats = {
  starrocks: { test: /^[-\w]{1,128}$/, text: '^[-\\w]{1,128}$' },
  doris: { test: /^[-\w:]{1,128}$/, text: '^[-_A-Za-z0-9:]{1,128}$' },
} as const

export function checkLoadRequest(req: LoadRequest, flavour: 'starrocks' | 'doris' = 'starrocks'): void {
  if (typeof req !== 'object' || req === null) throw invalid('load request must be an object')
  for (const k of Object.keys(req)) if (!LOAD_KEYS.has(k)) throw invalid(`load.${k} is not a known field`)
  if (typeof req.table !== 'string' || req.table === '')
    throw invalid(`load.table must be a non-empty string, received ${String(req.table)}`)
  if ((req.rows === undefined) === (req.body === undefined))
    throw invalid('load needs exactly one of rows or body')
  if (req.rows !== undefined && (!Array.isArray(req.rows) || req.rows.length === 0))
    throw invalid('load.rows must be a non-empty array')
  const labelFormat = labelFormats[flavour]
  if (req.label !== undefined && !labelFormat.test.test(req.label))
    throw invalid(
      `load.label must match ${labelFormat.text} (${flavour}), received ${JSON.stringify(req.label)}`,
    )
  if (req.timeoutSeconds !== undefined && !(Number.isInteger(req.timeoutSeconds) && req.timeoutSeconds >= 1))
    throw invalid(`load.timeoutSeconds must be an integer >= 1, received ${String(req.timeoutSeconds)}`)
  if (req.maxFilterRatio !== undefined && !(req.maxFilterRatio >= 0 && req.maxFilterRatio <= 1))
    throw invalid(`load.maxFilterRatio must be between 0 and 1, received ${String(req.maxFilterRatio)}`)
}

export function buildLoadHeaders(
  req: LoadRequest,
  o: ResolvedOptions,
  label: string,
  shape: 'array' | 'objects',
  timeoutSeconds: number,
): Record<string, string> {
  const doris = o.flavour === 'doris'
  const h: Record<string, string> = {
    label,
    format: 'json',
    strip_outer_array: shape === 'array' ? 'true' : 'false',
    // the whole JSON body is buffered by the BE anyway; both official connectors set it
    ignore_json_size: 'true',
    timeout: String(timeoutSeconds),
  }
  if (doris && shape === 'objects') h.read_json_by_line = 'true'
  if (req.columns) h.columns = req.columns
  if (req.jsonpaths) h.jsonpaths = req.jsonpaths
  if (req.partialUpdate !== undefined) {
    if (doris) h.partial_columns = String(req.partialUpdate)
    else h.partial_update = String(req.partialUpdate)
  }
  if (req.partialUpdateMode) h.partial_update_mode = req.partialUpdateMode
  if (req.mergeCondition) h.merge_condition = req.mergeCondition
  if (req.maxFilterRatio !== undefined) h.max_filter_ratio = String(req.maxFilterRatio)
  if (req.strictMode !== undefined) h.strict_mode = String(req.strictMode)
  if (req.timezone) h.timezone = req.timezone
  if (req.mergeType) h.merge_type = req.mergeType
  if (req.hiddenColumns?.length) h.hidden_columns = req.hiddenColumns.join(',')
  if (req.sequenceColumn) h['function_column.sequence_col'] = req.sequenceColumn
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (/^(authorization|expect|content-length|host)$/i.test(k))
      throw invalid(`load.headers.${k} is managed by the client`)
    h[k] = v
  }
  return h
}
