import { describeValue, EnvelopeError, EnvelopeErrorCode } from './errors.js'
import { isHex } from './hex.js'

/**
 * The Kafka message value (v1, what the deployed Java and Python code write and read):
 *
 *   {"nonce":"<hex>","ciphertext":"<hex of ciphertext || 16-byte GCM tag>"}
 *
 * plus an optional "kid" naming the key. Readers accept any whitespace, field order, hex
 * case and extra fields (Python's json.dumps writes `{"nonce": "..", "ciphertext": ".."}`,
 * fastjson writes the fields in alphabetical order).
 */
export interface Envelope {
  nonce: string
  ciphertext: string
  kid?: string
}

/** Texts at least this long are scanned; shorter ones go to JSON.parse directly. */
export const SCAN_FROM = 4096

const WS = new Uint8Array(128)
for (const c of ' \t\n\r') WS[c.charCodeAt(0)] = 1

/**
 * Parses a message value. JSON.parse runs at about 0.2 GB/s on a long hex string, so the
 * usual shape (an object whose members are "nonce", "ciphertext", "kid" with plain string
 * values) is scanned here with native indexOf; anything else (escapes, other members,
 * invalid JSON) goes through JSON.parse, which then decides.
 */
export function parseEnvelopeJson(text: string): Envelope {
  // below a few KiB JSON.parse is the faster of the two
  if (text.length < SCAN_FROM) return envelopeFromValue(parseJson(text))
  return scanEnvelope(text) ?? envelopeFromValue(parseJson(text))
}

function scanEnvelope(text: string): Envelope | undefined {
  const fields: Record<string, string> = {}
  let i = skipWs(text, 0)
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined
  i = skipWs(text, i + 1)
  if (text.charCodeAt(i) === 0x7d /* } */) return undefined
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return undefined
    const keyEnd = text.indexOf('"', i + 1)
    if (keyEnd < 0) return undefined
    const key = text.slice(i + 1, keyEnd)
    if (key !== 'nonce' && key !== 'ciphertext' && key !== 'kid') return undefined
    i = skipWs(text, keyEnd + 1)
    if (text.charCodeAt(i) !== 0x3a /* : */) return undefined
    i = skipWs(text, i + 1)
    if (text.charCodeAt(i) !== 0x22) return undefined
    const valueEnd = text.indexOf('"', i + 1)
    if (valueEnd < 0) return undefined
    const backslash = text.indexOf('\\', i + 1)
    if (backslash >= 0 && backslash < valueEnd) return undefined
    const value = text.slice(i + 1, valueEnd)
    // JSON forbids raw control characters in strings; hex fields are checked when decoded
    if (key === 'kid' && /[\u0000-\u001f]/.test(value)) return undefined
    fields[key] = value
    i = skipWs(text, valueEnd + 1)
    const c = text.charCodeAt(i)
    if (c === 0x2c /* , */) {
      i = skipWs(text, i + 1)
      continue
    }
    if (c !== 0x7d) return undefined
    if (skipWs(text, i + 1) !== text.length) return undefined
    break
  }
  return envelopeFromValue(fields)
}

/**
 * An envelope located in the bytes of a message value: the hex fields stay bytes, so a long
 * ciphertext is decoded straight from the message without first becoming a JS string.
 */
export interface EnvelopeBytes {
  nonce: string
  ciphertext: Uint8Array
  kid?: string
}

const KEY_NONCE = Buffer.from('nonce')
const KEY_CIPHERTEXT = Buffer.from('ciphertext')
const KEY_KID = Buffer.from('kid')

/**
 * scanEnvelope over bytes, for long message values: the same accepted shape, and undefined
 * for anything else (the caller then decodes the text and takes the general path).
 */
export function scanEnvelopeBytes(bytes: Buffer): EnvelopeBytes | undefined {
  if (bytes.length < SCAN_FROM) return undefined
  let nonce: string | undefined
  let ciphertext: Uint8Array | undefined
  let kid: string | undefined
  let i = skipWsBytes(bytes, 0)
  if (bytes[i] !== 0x7b /* { */) return undefined
  i = skipWsBytes(bytes, i + 1)
  for (;;) {
    if (bytes[i] !== 0x22) return undefined
    const keyEnd = bytes.indexOf(0x22, i + 1)
    if (keyEnd < 0) return undefined
    const key = bytes.subarray(i + 1, keyEnd)
    i = skipWsBytes(bytes, keyEnd + 1)
    if (bytes[i] !== 0x3a /* : */) return undefined
    i = skipWsBytes(bytes, i + 1)
    if (bytes[i] !== 0x22) return undefined
    const valueEnd = bytes.indexOf(0x22, i + 1)
    if (valueEnd < 0) return undefined
    const backslash = bytes.indexOf(0x5c, i + 1)
    if (backslash >= 0 && backslash < valueEnd) return undefined
    if (key.equals(KEY_CIPHERTEXT)) ciphertext = bytes.subarray(i + 1, valueEnd)
    else if (key.equals(KEY_NONCE)) nonce = bytes.toString('utf8', i + 1, valueEnd)
    else if (key.equals(KEY_KID)) {
      kid = bytes.toString('utf8', i + 1, valueEnd)
      if (/[\u0000-\u001f]/.test(kid)) return undefined
    } else return undefined
    i = skipWsBytes(bytes, valueEnd + 1)
    const c = bytes[i]
    if (c === 0x2c /* , */) {
      i = skipWsBytes(bytes, i + 1)
      continue
    }
    if (c !== 0x7d) return undefined
    if (skipWsBytes(bytes, i + 1) !== bytes.length) return undefined
    break
  }
  // a missing member or an empty kid: the general path decides and explains (a repeated
  // member keeps its last value, as JSON.parse and scanEnvelope do)
  if (nonce === undefined || ciphertext === undefined || kid === '') return undefined
  return kid === undefined ? { nonce, ciphertext } : { nonce, ciphertext, kid }
}

function skipWsBytes(bytes: Buffer, from: number): number {
  let i = from
  for (;;) {
    const c = bytes[i]
    if (c !== undefined && c < 128 && WS[c] === 1) i++
    else return i
  }
}

function skipWs(text: string, from: number): number {
  let i = from
  for (;;) {
    const c = text.charCodeAt(i)
    if (c < 128 && WS[c] === 1) i++
    else return i
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED,
      `message value is not valid JSON (${text.length} characters)`,
      { cause },
    )
  }
}

/** Checks a parsed value (or an Envelope object handed in directly) field by field. */
export function envelopeFromValue(value: unknown): Envelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED,
      `message value must be a JSON object with "nonce" and "ciphertext", received ${describeValue(value)}`,
    )
  }
  const record = value as Record<string, unknown>
  const nonce = requireString(record, 'nonce')
  const ciphertext = requireString(record, 'ciphertext')
  const kid = record.kid
  if (kid === undefined || kid === null) return { nonce, ciphertext }
  if (typeof kid !== 'string' || kid === '') {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED,
      `"kid" must be a non-empty string, received ${describeValue(kid)}`,
      {
        field: 'kid',
      },
    )
  }
  return { nonce, ciphertext, kid }
}

function requireString(record: Record<string, unknown>, field: 'nonce' | 'ciphertext'): string {
  const value = record[field]
  if (value === undefined || value === null) {
    throw new EnvelopeError(EnvelopeErrorCode.MISSING_FIELD, `message value has no "${field}"`, { field })
  }
  if (typeof value !== 'string') {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED,
      `"${field}" must be a hex string, received ${describeValue(value)}`,
      {
        field,
      },
    )
  }
  return value
}

/**
 * Serialises an envelope exactly as the TypeScript side writes it: compact, "nonce" first,
 * "kid" last (a reader that stops early still finds the deployed fields first).
 */
export function encodeEnvelopeJson(envelope: Envelope): string {
  const head = '{"nonce":"' + envelope.nonce + '","ciphertext":"' + envelope.ciphertext
  return envelope.kid === undefined ? head + '"}' : head + '","kid":' + JSON.stringify(envelope.kid) + '}'
}

/** Public form of encodeEnvelopeJson: checks the fields first, so nothing can inject JSON. */
export function stringifyEnvelope(envelope: Envelope): string {
  const checked = envelopeFromValue(envelope)
  for (const field of ['nonce', 'ciphertext'] as const) {
    const text = checked[field]
    if (!isHex(text)) {
      throw new EnvelopeError(EnvelopeErrorCode.BAD_HEX, `"${field}" must be even-length hex`, { field })
    }
  }
  return encodeEnvelopeJson(checked)
}
