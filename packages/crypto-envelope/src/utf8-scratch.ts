/**
 * Long string rows are encoded to UTF-8 once, into a buffer kept between calls. Node's
 * alternatives cost a second pass: the output size must be known before encrypting, and
 * Buffer.byteLength over a string holding any non-Latin-1 character (a row with Chinese text)
 * runs at about 3 GB/s here, nearly as long as encoding it. Writing into room for the worst
 * case (3 bytes per UTF-16 unit) measures and encodes in one pass.
 *
 * The kept buffer holds plaintext only between encodeUtf8 and wipeUtf8 (callers run both in
 * one synchronous call, in a finally), and grows to at most KEPT_MAX_BYTES; longer strings get
 * a buffer of their own.
 */
export const KEPT_MAX_BYTES = 4 * 1024 * 1024

let kept = Buffer.alloc(0)

/** The UTF-8 of `text`, as cipher.update(text, 'utf8') encodes it (a lone surrogate as U+FFFD). */
export function encodeUtf8(text: string): Buffer {
  const room = 3 * text.length
  if (room > KEPT_MAX_BYTES) return Buffer.from(text, 'utf8')
  if (room > kept.length) kept = Buffer.allocUnsafeSlow(Math.min(KEPT_MAX_BYTES, roundUp(room)))
  return kept.subarray(0, kept.write(text, 0, 'utf8'))
}

/** Zeroes what encodeUtf8 returned, so no plaintext stays behind in the kept buffer. */
export function wipeUtf8(bytes: Uint8Array): void {
  bytes.fill(0)
}

function roundUp(bytes: number): number {
  const unit = 64 * 1024
  return Math.ceil(bytes / unit) * unit
}
