// Errors of @sync/sink-core. Callers branch on `code`, never on message text; the target
// table and the batch label are fields, not only words in the message.

export const sinkErrorCodes = {
  /** A target table's columns could not be read, or the table does not exist. */
  SINK_SCHEMA: 'SINK_SCHEMA',
  /** The partition was revoked (rebalance) while a batch was being handled: it is abandoned. */
  SINK_REVOKED: 'SINK_REVOKED',
  /** A batch topic's end offsets did not arrive in time: the request is given up and sent again. */
  SINK_CATCH_UP_TIMEOUT: 'SINK_CATCH_UP_TIMEOUT',
  /**
   * A load into one table failed; `cause` is the target's error and `retriable` copies its
   * `retriable` (false for programmer errors). Not retriable: the partition stops loading.
   */
  SINK_LOAD_FAILED: 'SINK_LOAD_FAILED',
  /**
   * A batch's plan commit was answered but reading the group's offsets back did not show it
   * (for example while kafkajs restarts its consumer): nothing is loaded under that plan.
   */
  SINK_PLAN_NOT_STORED: 'SINK_PLAN_NOT_STORED',
  /** createSinker was given an option that is missing, of the wrong shape, out of range or unknown. */
  SINK_INVALID_OPTION: 'SINK_INVALID_OPTION',
} as const

export type SinkErrorCode = keyof typeof sinkErrorCodes

export interface SinkErrorContext {
  cause?: unknown
  retriable?: boolean
  /** The target table concerned. */
  table?: string
  /** The base label of the batch concerned. */
  label?: string
}

export class SinkError extends Error {
  override readonly name = 'SinkError'
  readonly code: SinkErrorCode
  readonly retriable: boolean
  readonly table?: string
  readonly label?: string

  constructor(code: SinkErrorCode, message: string, context: SinkErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? false
    if (context.table !== undefined) this.table = context.table
    if (context.label !== undefined) this.label = context.label
  }
}

export function isSinkError(value: unknown): value is SinkError {
  return value instanceof SinkError
}

/** TypeError, RangeError, ReferenceError, SyntaxError: a bug, never cured by trying again. */
export function isProgrammerError(err: unknown): boolean {
  return (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError
  )
}

/** Whether trying the same thing again may succeed: not for programmer errors or `retriable: false`. */
export function isRetriable(err: unknown): boolean {
  if (isProgrammerError(err)) return false
  return (err as { retriable?: unknown } | null)?.retriable !== false
}

/** The code that names what went wrong: a SINK_LOAD_FAILED's cause's code, else the error's. */
export function rootCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: unknown; name?: unknown } | null
  if (e?.code === 'SINK_LOAD_FAILED') return rootCode(e.cause)
  if (typeof e?.code === 'string') return e.code
  return typeof e?.name === 'string' ? e.name : 'Error'
}
