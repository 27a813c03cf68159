// Errors of @sync/delivery. Callers branch on `code`, never on message text; the source id
// a checkpoint belongs to is a field, and messages name the file or topic at fault.

export const deliveryErrorCodes = {
  /** A checkpoint could not be read or written; `retriable` says whether trying again may help. */
  DELIVERY_CHECKPOINT: 'DELIVERY_CHECKPOINT',
  /** Kafka did not acknowledge a batch (the delivery loop retries it with backoff). */
  DELIVERY_KAFKA: 'DELIVERY_KAFKA',
  /** The columns of a source table could not be read from information_schema (retried). */
  DELIVERY_SCHEMA: 'DELIVERY_SCHEMA',
  /** Bad options given to a factory of this package. */
  DELIVERY_OPTIONS: 'DELIVERY_OPTIONS',
} as const

export type DeliveryErrorCode = keyof typeof deliveryErrorCodes

export interface DeliveryErrorContext {
  cause?: unknown
  retriable?: boolean
  /** The source concerned. */
  source?: string
  /** The source table concerned. */
  database?: string
  table?: string
}

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  readonly code: DeliveryErrorCode
  readonly retriable: boolean
  readonly source?: string
  readonly database?: string
  readonly table?: string

  constructor(code: DeliveryErrorCode, message: string, context: DeliveryErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? code !== 'DELIVERY_OPTIONS'
    if (context.source !== undefined) this.source = context.source
    if (context.database !== undefined) this.database = context.database
    if (context.table !== undefined) this.table = context.table
  }
}

export function isDeliveryError(value: unknown): value is DeliveryError {
  return value instanceof DeliveryError
}
