/** Every error code of the shipper. Callers branch on `code`, never on message text. */
export const shipperErrorCodes = {
  /** The configuration is invalid; `errors` lists each bad field. */
  SHIP_CONFIG: 'SHIP_CONFIG',
  /** A checkpoint could not be read or written. */
  SHIP_CHECKPOINT: 'SHIP_CHECKPOINT',
  /** Kafka did not acknowledge a batch (retried with backoff). */
  SHIP_KAFKA: 'SHIP_KAFKA',
  /** A source stopped for good (purged binlog, refused login, lost privileges). */
  SHIP_SOURCE_FATAL: 'SHIP_SOURCE_FATAL',
  /** A rule set could not be loaded; the previous one stays in use. */
  SHIP_RULES: 'SHIP_RULES',
} as const

export type ShipperErrorCode = keyof typeof shipperErrorCodes

const retriable: ReadonlySet<ShipperErrorCode> = new Set<ShipperErrorCode>(['SHIP_KAFKA', 'SHIP_CHECKPOINT'])

export interface ShipperErrorContext {
  cause?: unknown
  retriable?: boolean
  source?: string
  /** For SHIP_CONFIG: one line per bad field. */
  errors?: readonly string[]
}

export class ShipperError extends Error {
  override readonly name = 'ShipperError'
  readonly code: ShipperErrorCode
  readonly retriable: boolean
  readonly source?: string
  readonly errors?: readonly string[]

  constructor(code: ShipperErrorCode, message: string, context: ShipperErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? retriable.has(code)
    if (context.source !== undefined) this.source = context.source
    if (context.errors !== undefined) this.errors = context.errors
  }
}

export function isShipperError(value: unknown): value is ShipperError {
  return value instanceof ShipperError
}

/** A short description of a received value for error messages (never a secret: callers skip those). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value !== null && typeof value === 'object')
    return `an object with keys [${Object.keys(value).join(', ')}]`
  return String(value)
}
