import { EnvelopeError, EnvelopeErrorCode } from './errors.js'

/**
 * Strict hex decoding. Buffer.from(text, 'hex') silently stops at the first invalid pair
 * and drops an odd last digit; both would turn a damaged message into a shorter one, so
 * the decoded length is checked against the text length (O(1), no second scan).
 */
export function decodeHex(text: string, field: string): Buffer {
  if (text.length % 2 !== 0) {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_HEX,
      `${field} must be hex with an even number of digits, received ${text.length} digits`,
      { field },
    )
  }
  const bytes = Buffer.from(text, 'hex')
  if (bytes.length * 2 !== text.length) {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_HEX,
      `${field} must contain only hex digits; the pair at offset ${bytes.length * 2} of ${text.length} is not hex`,
      { field },
    )
  }
  return bytes
}

export function isHex(text: string): boolean {
  return text.length % 2 === 0 && Buffer.from(text, 'hex').length * 2 === text.length
}
