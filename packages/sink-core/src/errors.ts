// Errors of @sync/sink-core. Callers branch on `code`, never on message text; the target
// table and the batch label are fields, not only words in the message.

export const sinkErrorCodes = {
  /** A target table's columns could not be read, or the table does not exist. */
  SINK_SCHEMA: 'SINK_SCHEMA',
  /** The partition was revoked (rebalance) while a batch was being handled: it is abandoned. */
  SINK_REVOKED: 'SINK_REVOKED',
  /** A batch topic's end offsets did not arrive in time: the request is given up and sent again. */
  SINK_CATCH_UP_TIMEOUT: 'SINK_CATCH_UP_TIMEOUT',
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
