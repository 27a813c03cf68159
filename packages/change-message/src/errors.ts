/** Every error code this package throws. Callers branch on `code`, never on message text. */
export const changeMessageErrorCodes = {
  /** The value could not be opened (wrong key, tampered, not an envelope). */
  CM_DECRYPT: 'CM_DECRYPT',
  /** The plaintext is not valid JSON. */
  CM_PARSE: 'CM_PARSE',
  /** Valid JSON, but not a row object nor a debezium change. */
  CM_SHAPE: 'CM_SHAPE',
  /** A value the canonical stringifier cannot represent (function, symbol, NaN, cycle). */
  CM_VALUE: 'CM_VALUE',
  /** Bad options given to a factory. */
  CM_OPTIONS: 'CM_OPTIONS',
} as const

export type ChangeMessageErrorCode = keyof typeof changeMessageErrorCodes

export class ChangeMessageError extends Error {
  override readonly name = 'ChangeMessageError'
  readonly code: ChangeMessageErrorCode
  /** Never worth retrying: the same bytes fail the same way. Send them to the dead-letter topic. */
  readonly retriable = false
  /** Where a decode failure happened, when the caller said (topic/partition/offset). */
  readonly origin?: string

  constructor(
    code: ChangeMessageErrorCode,
    message: string,
    options: { cause?: unknown; origin?: string } = {},
  ) {
    super(options.origin ? `${message} (${options.origin})` : message, { cause: options.cause })
    this.code = code
    if (options.origin !== undefined) this.origin = options.origin
  }
}

export function isChangeMessageError(err: unknown): err is ChangeMessageError {
  return err instanceof ChangeMessageError
}
