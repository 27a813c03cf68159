// Every failure a caller can branch on, by `code`. `retriable` says whether the same load
// (same label) may be sent again: a retried label is deduplicated by StarRocks, so retrying
// an unknown outcome is safe.

export const StreamLoadErrorCodes = {
  /** Options or load arguments are invalid. */
  SL_INVALID_ARGUMENT: 'SL_INVALID_ARGUMENT',
  /** Authentication or privilege failure (FE 401, or "Access denied" / no Basic auth at the BE). */
  SL_AUTH: 'SL_AUTH',
  /** The FE refused to redirect (missing Expect, no database, "No backend alive.") or redirected oddly. */
  SL_FE_REJECTED: 'SL_FE_REJECTED',
  /** Rows were filtered past max_filter_ratio ("too many filtered rows"); errorLog holds the BE's log. */
  SL_FILTERED_ROWS: 'SL_FILTERED_ROWS',
  /** The body could not be read as JSON of the right shape. */
  SL_BAD_DATA: 'SL_BAD_DATA',
  /** Unknown database/table, bad columns/jsonpaths/merge_condition, header formats, label format. */
  SL_BAD_REQUEST: 'SL_BAD_REQUEST',
  /** The label is held by a load that is still running. */
  SL_LABEL_RUNNING: 'SL_LABEL_RUNNING',
  /** The BE answered Status "Fail" for another reason (its docs: "You can retry the load job"). */
  SL_LOAD_FAILED: 'SL_LOAD_FAILED',
  /** A non-JSON or unexpected HTTP answer (5xx, 404, a 307 from a BE). */
  SL_HTTP: 'SL_HTTP',
  /** Connection refused, reset, DNS: the request may or may not have reached a BE. */
  SL_CONNECTION: 'SL_CONNECTION',
  /** No answer within the request timeout: the outcome is unknown. */
  SL_TIMEOUT: 'SL_TIMEOUT',
  /** Every attempt failed with a retriable error; `cause` is the last one. */
  SL_RETRIES_EXHAUSTED: 'SL_RETRIES_EXHAUSTED',
  /** The client was closed. */
  SL_CLOSED: 'SL_CLOSED',
} as const

export type StreamLoadErrorCode = keyof typeof StreamLoadErrorCodes

export interface StreamLoadErrorFields {
  retriable: boolean
  label?: string
  httpStatus?: number
  /** The body's Status and Message, when the server answered with one. */
  status?: string
  serverMessage?: string
  txnId?: number
  endpoint?: string
  attempts?: number
  errorUrl?: string
  /** The first bytes of the BE's error log behind ErrorURL (only from a 2xx answer). */
  errorLog?: string
  /** The HTTP status of the ErrorURL GET when it was not 2xx (its body is not kept). */
  errorLogHttpStatus?: number
  /** Why the log behind ErrorURL could not be fetched (`HTTP 404`, a connection error…). */
  errorLogFailure?: string
  loadedRows?: number
  filteredRows?: number
  cause?: unknown
}

export class StreamLoadError extends Error {
  readonly code: StreamLoadErrorCode
  readonly retriable: boolean
  readonly label?: string
  readonly httpStatus?: number
  readonly status?: string
  readonly serverMessage?: string
  readonly txnId?: number
  readonly endpoint?: string
  readonly attempts?: number
  readonly errorUrl?: string
  readonly errorLog?: string
  readonly errorLogHttpStatus?: number
  readonly errorLogFailure?: string
  readonly loadedRows?: number
  readonly filteredRows?: number

  constructor(code: StreamLoadErrorCode, message: string, fields: StreamLoadErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause })
    this.name = 'StreamLoadError'
    this.code = code
    const { cause: _cause, ...rest } = fields
    Object.assign(this, rest)
    this.retriable = fields.retriable
  }
}

export function isStreamLoadError(err: unknown): err is StreamLoadError {
  return err instanceof StreamLoadError
}
