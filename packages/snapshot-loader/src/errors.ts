/** Every error code this package throws. Callers branch on `code`, never on message text. */
export const snapshotErrorCodes = {
  /** Bad options given to a factory or to `run`. */
  SNAP_OPTIONS: 'SNAP_OPTIONS',
  /** The table has neither a primary key nor a unique key over NOT NULL columns: it cannot be chunked. */
  SNAP_NO_KEY: 'SNAP_NO_KEY',
  /** The requested table does not exist, or no rule captures it, or a rule captures no table. */
  SNAP_NO_TABLES: 'SNAP_NO_TABLES',
  /** The consistent-read position could not be read (privileges, binlog off, unknown server). */
  SNAP_POSITION: 'SNAP_POSITION',
  /** A MySQL query failed or the connection was lost. */
  SNAP_MYSQL: 'SNAP_MYSQL',
  /** The sink (Kafka producer) refused or failed a send. */
  SNAP_SINK: 'SNAP_SINK',
  /** A row could not be rendered, mapped or encoded (same bytes, same failure). */
  SNAP_ROW: 'SNAP_ROW',
  /** The saved progress does not belong to this snapshot or cannot be read or written. */
  SNAP_STATE: 'SNAP_STATE',
  /** The run was cancelled through its AbortSignal; progress up to the last completed chunk is kept. */
  SNAP_ABORTED: 'SNAP_ABORTED',
} as const

export type SnapshotErrorCode = keyof typeof snapshotErrorCodes

const retriableCodes: ReadonlySet<SnapshotErrorCode> = new Set<SnapshotErrorCode>([
  'SNAP_MYSQL',
  'SNAP_SINK',
  'SNAP_ABORTED',
])

export interface SnapshotErrorContext {
  cause?: unknown
  /** Overrides the code's default retriable flag. */
  retriable?: boolean
  database?: string
  table?: string
  topic?: string
  chunk?: number
  /** Server error number, when the server sent one. */
  errno?: number
  option?: string
  file?: string
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError'
  readonly code: SnapshotErrorCode
  readonly retriable: boolean
  readonly database?: string
  readonly table?: string
  readonly topic?: string
  readonly chunk?: number
  readonly errno?: number
  readonly option?: string
  readonly file?: string

  constructor(code: SnapshotErrorCode, message: string, context: SnapshotErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? retriableCodes.has(code)
    if (context.database !== undefined) this.database = context.database
    if (context.table !== undefined) this.table = context.table
    if (context.topic !== undefined) this.topic = context.topic
    if (context.chunk !== undefined) this.chunk = context.chunk
    if (context.errno !== undefined) this.errno = context.errno
    if (context.option !== undefined) this.option = context.option
    if (context.file !== undefined) this.file = context.file
  }
}

export function isSnapshotError(err: unknown): err is SnapshotError {
  return err instanceof SnapshotError
}

/** A short, secret-free description of a received option value. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

export function optionError(option: string, expected: string, received: unknown): SnapshotError {
  return new SnapshotError('SNAP_OPTIONS', `${option} must be ${expected}, received ${describe(received)}`, {
    option,
  })
}

/** Wraps a mysql2 failure: server errors (errno < 10000 … except lock waits) are not retriable. */
export function mysqlError(
  err: unknown,
  what: string,
  where: { database?: string; table?: string; chunk?: number } = {},
): SnapshotError {
  if (err instanceof SnapshotError) return err
  const e = err as { errno?: number; code?: string; message?: string; fatal?: boolean }
  // Deadlock, lock wait timeout, query interrupted, and lost connections are worth a retry
  const transient = e?.fatal === true || e?.errno === 1205 || e?.errno === 1213 || e?.errno === 1317
  const errno = typeof e?.errno === 'number' ? e.errno : undefined
  return new SnapshotError('SNAP_MYSQL', `${what}: ${e?.message ?? String(err)}`, {
    cause: err,
    retriable: errno === undefined || transient,
    ...where,
    ...(errno === undefined ? {} : { errno }),
  })
}
