/** Every error code this package throws. Callers branch on `code`, never on message text. */
export const binlogErrorCodes = {
  /** Bad options given to a factory or function of this package. */
  BINLOG_OPTIONS: 'BINLOG_OPTIONS',
  /** The requested position is no longer in the server's binlog (error 1236): re-snapshot. */
  BINLOG_PURGED: 'BINLOG_PURGED',
  /** Another replica or reader uses the same server_id; the server kicked one of them. */
  BINLOG_SERVER_ID_CONFLICT: 'BINLOG_SERVER_ID_CONFLICT',
  /** No event and no heartbeat arrived within the stall timeout. */
  BINLOG_STALLED: 'BINLOG_STALLED',
  /** The connection to the server failed or was lost. */
  BINLOG_CONNECTION: 'BINLOG_CONNECTION',
  /** zongji reported an error while decoding the stream; the connection is dropped. */
  BINLOG_PARSE: 'BINLOG_PARSE',
  /** The server sends something this reader refuses rather than drops (compressed transactions, PARTIAL_JSON, missing column metadata). */
  BINLOG_UNSUPPORTED: 'BINLOG_UNSUPPORTED',
  /** A value could not be rendered to its canonical JSON form. */
  BINLOG_RENDER: 'BINLOG_RENDER',
  /** The server refused a query or command (privileges, syntax). */
  BINLOG_SERVER: 'BINLOG_SERVER',
  /** Reconnects were exhausted; `cause` holds the last error. */
  BINLOG_RETRIES_EXHAUSTED: 'BINLOG_RETRIES_EXHAUSTED',
  /** The reader was used in a way its state does not allow (e.g. iterated twice). */
  BINLOG_STATE: 'BINLOG_STATE',
} as const

export type BinlogErrorCode = keyof typeof binlogErrorCodes

const retriableCodes: ReadonlySet<BinlogErrorCode> = new Set<BinlogErrorCode>([
  'BINLOG_STALLED',
  'BINLOG_CONNECTION',
  'BINLOG_PARSE',
])

export interface BinlogErrorContext {
  cause?: unknown
  /** Overrides the code's default retriable flag. */
  retriable?: boolean
  binlogFile?: string
  binlogPos?: number
  gtid?: string
  serverId?: number
  database?: string
  table?: string
  column?: string
  /** Server error number (e.g. 1236), when the server sent one. */
  errno?: number
  attempts?: number
  option?: string
}

export class BinlogError extends Error {
  override readonly name = 'BinlogError'
  readonly code: BinlogErrorCode
  readonly retriable: boolean
  readonly binlogFile?: string
  readonly binlogPos?: number
  readonly gtid?: string
  readonly serverId?: number
  readonly database?: string
  readonly table?: string
  readonly column?: string
  readonly errno?: number
  readonly attempts?: number
  readonly option?: string

  constructor(code: BinlogErrorCode, message: string, context: BinlogErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? retriableCodes.has(code)
    const { cause: _cause, retriable: _retriable, ...fields } = context
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true })
    }
  }
}

export function isBinlogError(value: unknown): value is BinlogError {
  return value instanceof BinlogError
}

/** Throws BINLOG_OPTIONS naming the option and what was received. */
export function optionError(option: string, expected: string, received: unknown): BinlogError {
  return new BinlogError('BINLOG_OPTIONS', `${option} must be ${expected}, received ${describe(received)}`, {
    option,
  })
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return `an array of ${value.length}`
  return `an object with keys [${Object.keys(value).join(', ')}]`
}
