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
  // Node reads a character beyond Latin-1 by its low byte (U+0130 as "0"): only ASCII is hex
  if (bytes.length * 2 !== text.length || Buffer.byteLength(text, 'utf8') !== text.length) {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_HEX,
      `${field} must contain only hex digits; the pair at offset ${firstBadPair(text)} of ${text.length} is not hex`,
      { field },
    )
  }
  return bytes
}

export function isHex(text: string): boolean {
  return (
    text.length % 2 === 0 &&
    Buffer.from(text, 'hex').length * 2 === text.length &&
    Buffer.byteLength(text, 'utf8') === text.length
  )
}

function firstBadPair(text: string): number {
  const at = text.search(/[^0-9a-fA-F]/)
  return at < 0 ? text.length : at - (at % 2)
}
