/**
 * Every error code the shipper itself throws. Callers branch on `code`, never on message
 * text. What goes wrong while running comes from the packages, with their own codes
 * (DELIVERY_*, TM_*, BINLOG_*), in logs, /healthz and `sync_shipper_errors_total`;
 * configuration errors are a list of lines (loadConfig), not an exception.
 */
export const shipperErrorCodes = {
  /** A rule directory cannot be loaded at start (bad file, or rules overlapping on an existing table). */
  SHIP_RULES: 'SHIP_RULES',
} as const

export type ShipperErrorCode = keyof typeof shipperErrorCodes

export interface ShipperErrorContext {
  cause?: unknown
  retriable?: boolean
  source?: string
}

export class ShipperError extends Error {
  override readonly name = 'ShipperError'
  readonly code: ShipperErrorCode
  readonly retriable: boolean
  readonly source?: string

  constructor(code: ShipperErrorCode, message: string, context: ShipperErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.code = code
    this.retriable = context.retriable ?? false
    if (context.source !== undefined) this.source = context.source
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
