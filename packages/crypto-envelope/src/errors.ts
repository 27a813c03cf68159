/**
 * The closed list of error codes of this package. Callers branch on `code`, never on the
 * message text. No error ever carries key material: not in the message, not in a field.
 */
export const EnvelopeErrorCode = {
  /** An option of createEnvelopeCipher or of a call is unknown or has a wrong value. */
  BAD_OPTIONS: 'ENV_BAD_OPTIONS',
  /** A key is not hex, or its length is not 16, 24 or 32 bytes. */
  BAD_KEY: 'ENV_BAD_KEY',
  /** A key source (environment variable, file) could not be read. */
  KEY_SOURCE: 'ENV_KEY_SOURCE',
  /** The message value is not a JSON object, or a field is not a string. */
  MALFORMED: 'ENV_MALFORMED',
  /** The JSON object lacks "nonce" or "ciphertext". */
  MISSING_FIELD: 'ENV_MISSING_FIELD',
  /** A hex field has an odd length or a character outside 0-9, a-f, A-F. */
  BAD_HEX: 'ENV_BAD_HEX',
  /** The nonce is empty or longer than AES-GCM accepts here (128 bytes). */
  BAD_NONCE: 'ENV_BAD_NONCE',
  /** The ciphertext is shorter than the 16-byte authentication tag. */
  TRUNCATED: 'ENV_TRUNCATED',
  /** The envelope names a key id this cipher does not hold. */
  UNKNOWN_KID: 'ENV_UNKNOWN_KID',
  /** The tag does not verify: wrong key, wrong AAD, or tampered/truncated data. */
  AUTH_FAILED: 'ENV_AUTH_FAILED',
} as const

export type EnvelopeErrorCode = (typeof EnvelopeErrorCode)[keyof typeof EnvelopeErrorCode]

export interface EnvelopeErrorDetails {
  cause?: unknown
  /** The envelope or option field concerned, e.g. "nonce", "options.keys.k1". */
  field?: string
  /** The key id concerned (a key id is a name, never key material). */
  kid?: string
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError'
  readonly code: EnvelopeErrorCode
  /** Always false: retrying the same input with the same keys gives the same answer. */
  readonly retriable = false
  readonly field: string | undefined
  readonly kid: string | undefined

  constructor(code: EnvelopeErrorCode, message: string, details: EnvelopeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.field = details.field
    this.kid = details.kid
  }
}

export function isEnvelopeError(value: unknown): value is EnvelopeError {
  return value instanceof EnvelopeError
}

/**
 * Describes a received value for an option message. Strings are echoed only when short and
 * unlike key material: a string of 8 or more hex or base64 characters (a key handed to the
 * wrong option, or a key source with a typo) is described by its length alone.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 || /^[A-Za-z0-9+/=_-]{8,}$/.test(value.trim())
      ? `a string of ${value.length} characters`
      : JSON.stringify(value)
  if (value === null || typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`
  return 'an object'
}
