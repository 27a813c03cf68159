import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto'
import { EnvelopeError, EnvelopeErrorCode } from './errors.js'
import { isHex } from './hex.js'

/** A key as configured: hex text (what the deployed Java and Python sides take) or raw bytes. */
export type KeyInput = string | Uint8Array

export type GcmAlgorithm = 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'

/** A parsed key: created once, reused by every seal and open. */
export interface ParsedKey {
  readonly algorithm: GcmAlgorithm
  readonly key: KeyObject
}

const algorithmByLength: Record<number, GcmAlgorithm> = {
  16: 'aes-128-gcm',
  24: 'aes-192-gcm',
  32: 'aes-256-gcm',
}

/**
 * Parses a key; its length selects AES-128/192/256 as on the Java side
 * (`new SecretKeySpec(hexStringToByteArray(key), "AES")`). The message names the
 * option and the length received, never the key.
 */
export function parseKey(input: KeyInput, field: string): ParsedKey {
  let bytes: Uint8Array
  if (typeof input === 'string') {
    if (!isHex(input)) {
      throw new EnvelopeError(
        EnvelopeErrorCode.BAD_KEY,
        `${field} must be a hex string of 32, 48 or 64 digits, received a string of ${input.length} characters that is not even-length hex`,
        { field },
      )
    }
    bytes = Buffer.from(input, 'hex')
  } else if (input instanceof Uint8Array) {
    bytes = input
  } else {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_KEY,
      `${field} must be a hex string or a Uint8Array, received ${input === null ? 'null' : typeof input}`,
      { field },
    )
  }
  const algorithm = algorithmByLength[bytes.length]
  if (algorithm === undefined) {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_KEY,
      `${field} must be 16, 24 or 32 bytes (AES-128/192/256), received ${bytes.length} bytes`,
      { field },
    )
  }
  return { algorithm, key: createSecretKey(Buffer.from(bytes)) }
}

/** A fresh random key as lower-case hex, ready for `createEnvelopeCipher({ key })`. */
export function generateKey(bits: 128 | 192 | 256 = 256): string {
  if (bits !== 128 && bits !== 192 && bits !== 256) {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_OPTIONS,
      `bits must be 128, 192 or 256, received ${String(bits)}`,
      { field: 'bits' },
    )
  }
  return randomBytes(bits / 8).toString('hex')
}
