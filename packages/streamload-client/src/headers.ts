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
  /**
   * Extra raw headers, sent to the FE and the BE; they replace a built header of the same
   * name (any case). Authorization, Expect, Content-Length, Host, Transfer-Encoding,
   * Connection and label are the client's own.
   */
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

const STARROCKS_ONLY = ['partialUpdateMode', 'mergeCondition'] as const
const DORIS_ONLY = ['mergeType', 'hiddenColumns', 'sequenceColumn'] as const
/** What to use on Doris instead of a StarRocks-only field (§8). */
const DORIS_INSTEAD: Record<(typeof STARROCKS_ONLY)[number], string> = {
  partialUpdateMode:
    'Doris has no row/column mode; partialUpdate sends unique_key_update_mode: UPDATE_FIXED_COLUMNS (headers.unique_key_update_mode for UPDATE_FLEXIBLE_COLUMNS)',
  mergeCondition:
    "Doris' analog is a sequence column declared in the table DDL: use sequenceColumn (function_column.sequence_col)",
}

const isBool = (v: unknown) => v === undefined || typeof v === 'boolean'
const isText = (v: unknown) => v === undefined || (typeof v === 'string' && v !== '')

export function checkLoadRequest(req: LoadRequest, flavour: 'starrocks' | 'doris' = 'starrocks'): void {
  if (typeof req !== 'object' || req === null) throw invalid('load request must be an object')
  for (const k of Object.keys(req)) if (!LOAD_KEYS.has(k)) throw invalid(`load.${k} is not a known field`)
  if (typeof req.table !== 'string' || req.table === '')
    throw invalid(`load.table must be a non-empty string, received ${String(req.table)}`)
  if (req.database !== undefined && (typeof req.database !== 'string' || req.database === ''))
    throw invalid(`load.database must be a non-empty string, received ${JSON.stringify(req.database)}`)
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
  for (const k of ['partialUpdate', 'strictMode'] as const)
    if (!isBool(req[k])) throw invalid(`load.${k} must be a boolean, received ${JSON.stringify(req[k])}`)
  for (const k of ['columns', 'jsonpaths', 'mergeCondition', 'timezone', 'sequenceColumn'] as const)
    if (!isText(req[k]))
      throw invalid(`load.${k} must be a non-empty string, received ${JSON.stringify(req[k])}`)
  if (req.partialUpdateMode !== undefined && !['row', 'column', 'auto'].includes(req.partialUpdateMode))
    throw invalid(
      `load.partialUpdateMode must be row, column or auto, received ${JSON.stringify(req.partialUpdateMode)}`,
    )
  if (req.mergeType !== undefined && !['APPEND', 'DELETE', 'MERGE'].includes(req.mergeType))
    throw invalid(`load.mergeType must be APPEND, DELETE or MERGE, received ${JSON.stringify(req.mergeType)}`)
  for (const [k, v] of Object.entries(req.headers ?? {}))
    if (typeof v !== 'string')
      throw invalid(`load.headers.${k} must be a string, received ${JSON.stringify(v)}`)
  if (flavour === 'doris') {
    for (const k of STARROCKS_ONLY)
      if (req[k] !== undefined) throw invalid(`load.${k} is StarRocks-only; ${DORIS_INSTEAD[k]}`)
  } else {
    for (const k of DORIS_ONLY)
      if (req[k] !== undefined)
        throw invalid(
          `load.${k} is Doris-only (StarRocks ignores the header); set flavour 'doris' or drop it`,
        )
  }
}

/**
 * The load headers, the same on the FE hop and on the BE PUT (§1.6: the FE gets all load
 * headers). Flavour-specific fields were checked by checkLoadRequest.
 */
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
    if (doris) {
      // unique_key_update_mode wins where the BE knows it; older BEs read only partial_columns
      h.unique_key_update_mode = req.partialUpdate ? 'UPDATE_FIXED_COLUMNS' : 'UPSERT'
      h.partial_columns = String(req.partialUpdate)
    } else h.partial_update = String(req.partialUpdate)
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
    if (/^(authorization|expect|content-length|host|transfer-encoding|connection|label)$/i.test(k))
      throw invalid(`load.headers.${k} is managed by the client`)
    // header names are case-insensitive on both FE and BE: a raw header replaces its built twin
    for (const built of Object.keys(h)) if (built.toLowerCase() === k.toLowerCase()) delete h[built]
    h[k] = v
  }
  return h
}
