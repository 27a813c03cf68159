/** Every error code the sinker raises itself. Callers branch on `code`, never on message text. */
export const sinkerErrorCodes = {
  /** A target table's columns could not be read, or the table does not exist. */
  SINK_SCHEMA: 'SINK_SCHEMA',
  /** The partition was revoked (rebalance) while a batch was being handled: it is abandoned. */
  SINK_REVOKED: 'SINK_REVOKED',
  /** A batch topic's end offsets did not arrive in time: the request is given up and sent again. */
  SINK_CATCH_UP_TIMEOUT: 'SINK_CATCH_UP_TIMEOUT',
} as const

export type SinkerErrorCode = keyof typeof sinkerErrorCodes

export class SinkerError extends Error {
  override readonly name = 'SinkerError'
  readonly code: SinkerErrorCode
  readonly retriable: boolean
  readonly details: readonly string[]
  readonly table?: string
  readonly label?: string

  constructor(
    code: SinkerErrorCode,
    message: string,
    options: {
      retriable?: boolean
      cause?: unknown
      details?: string[]
      table?: string
      label?: string
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? false
    this.details = options.details ?? []
    if (options.table !== undefined) this.table = options.table
    if (options.label !== undefined) this.label = options.label
  }
}
