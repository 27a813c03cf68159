// Errors of @sync/warehouse-ddl. Callers branch on `code`; the message names the table,
// rule or column at fault.

export const warehouseDdlErrorCodes = [
  /** A table, rule or shard that was asked for does not exist (or is not visible). */
  'WDDL_NOT_FOUND',
  /** The source or the rules cannot produce a valid target: no key, disagreeing shards. */
  'WDDL_INPUT',
] as const
export type WarehouseDdlErrorCode = (typeof warehouseDdlErrorCodes)[number]

export class WarehouseDdlError extends Error {
  override readonly name = 'WarehouseDdlError'
  readonly code: WarehouseDdlErrorCode
  readonly retriable = false
  constructor(code: WarehouseDdlErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

export function isWarehouseDdlError(err: unknown): err is WarehouseDdlError {
  return err instanceof WarehouseDdlError
}
