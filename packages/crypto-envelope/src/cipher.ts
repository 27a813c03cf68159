import { type CipherGCM, createCipheriv, createDecipheriv } from 'node:crypto'
import { encryptHexInto } from './encrypt-hex.js'
import {
  type Envelope,
  type EnvelopeBytes,
  envelopeFromValue,
  parseEnvelopeJson,
  scanEnvelopeBytes,
} from './envelope-json.js'
import { describeValue, EnvelopeError, EnvelopeErrorCode } from './errors.js'
import { decodeHex } from './hex.js'
import type { ParsedKey } from './keys.js'
import { createNoncePool } from './nonce.js'
import {
  type CallOptions,
  type EnvelopeCipherOptions,
  type ResolvedOptions,
  resolveOptions,
  toAad,
} from './options.js'
import { decodeHexView, SIMD_FROM_BYTES } from './simd-hex.js'
import { createTableGcm, type TableGcm } from './table-gcm.js'
import { encodeUtf8, wipeUtf8 } from './utf8-scratch.js'

/** The 128-bit tag appended to the ciphertext, as Java's GCMParameterSpec(128, nonce) expects. */
export const TAG_BYTES = 16
/** The longest nonce Node's AES-GCM accepts; Java and pycryptodome accept any non-empty nonce. */
export const MAX_NONCE_BYTES = 128

export type EnvelopeInput = Envelope | string | Uint8Array

export interface EnvelopeCipher {
  /** Encrypts one row; strings are encoded as UTF-8. */
  seal(plaintext: string | Uint8Array, options?: CallOptions): Envelope
  /** The Kafka message value: `{"nonce":"..","ciphertext":".."}` (plus "kid" when keyed by id). */
  sealToJson(plaintext: string | Uint8Array, options?: CallOptions): string
  /**
   * The same message value as UTF-8 bytes, byte for byte `Buffer.from(sealToJson(x))` for
   * the same nonce: what a Kafka producer sends. The fast form for long rows: no JS string
   * of the hex is ever made (V8 allocates strings of 128 KiB and more slowly).
   */
  sealToBytes(plaintext: string | Uint8Array, options?: CallOptions): Buffer
  /** Decrypts a message value (JSON text, its bytes, or a parsed envelope); throws EnvelopeError. */
  open(envelope: EnvelopeInput, options?: CallOptions): Buffer
  /** open(), decoded as UTF-8. */
  openToString(envelope: EnvelopeInput, options?: CallOptions): string
  /** The key id seal() writes, if any. */
  readonly activeKid: string | undefined
}

export function createEnvelopeCipher(options: EnvelopeCipherOptions): EnvelopeCipher {
  const resolved = resolveOptions(options)
  const { active, activeKid, nonceBytes } = resolved
  const nonces = createNoncePool(nonceBytes)

  function checkPlaintext(plaintext: unknown): asserts plaintext is string | Uint8Array {
    if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array)) {
      throw new EnvelopeError(
        EnvelopeErrorCode.BAD_OPTIONS,
        `plaintext must be a string or a Uint8Array, received ${describeValue(plaintext)}`,
        { field: 'plaintext' },
      )
    }
  }

  function begin(callOptions: CallOptions | undefined): [Buffer, CipherGCM] {
    const aad = callOptions?.aad === undefined ? resolved.aad : toAad(callOptions.aad, 'aad')
    const nonce = nonces.next()
    const gcm = createCipheriv(active.algorithm, active.key, nonce)
    if (aad !== undefined) gcm.setAAD(aad)
    return [nonce, gcm]
  }

  // made at the first seal: a cipher that only opens never builds the hash tables
  let tables: TableGcm | undefined | null = resolved.fastSeal ? null : undefined

  /** A short row: by table GCM (src/table-gcm.ts) when it fits, else Node's; hex by Node. */
  function sealShort(plaintext: string | Uint8Array, callOptions?: CallOptions): [string, string] {
    if (tables === null) tables = tableGcmOrNone(active, nonceBytes)
    if (tables !== undefined) {
      const aad = callOptions?.aad === undefined ? resolved.aad : toAad(callOptions.aad, 'aad')
      const sealed = tables.seal(plaintext, aad)
      if (sealed !== undefined) return sealed
    }
    const [nonce, gcm] = begin(callOptions)
    const body = typeof plaintext === 'string' ? gcm.update(plaintext, 'utf8') : gcm.update(plaintext)
    gcm.final() // GCM is a stream mode: final() emits nothing, it computes the tag
    return [nonce.toString('hex'), body.toString('hex') + gcm.getAuthTag().toString('hex')]
  }

  const kidSuffix = activeKid === undefined ? '"}' : `","kid":${JSON.stringify(activeKid)}}`
  const kidSuffixBytes = Buffer.byteLength(kidSuffix)
  // what turns the bytes of a long value back into its string: latin1 copies, for ASCII only
  const valueEncoding = kidSuffixBytes === kidSuffix.length ? 'latin1' : 'utf8'
  const nonceHead = '{"nonce":"'
  const cipherHead = '","ciphertext":"'
  const head = nonceHead.length + 2 * nonceBytes + cipherHead.length

  /**
   * A long row, written straight into one new buffer: the message value
   * `{"nonce":"<hex>","ciphertext":"<hex body><hex tag>"}` (+ `,"kid":..`), as
   * encodeEnvelopeJson writes it, or with `json` false the nonce's hex followed by the
   * ciphertext's (what seal() splits into its two fields).
   */
  function sealLong(
    plaintext: string | Uint8Array,
    callOptions: CallOptions | undefined,
    json: boolean,
  ): Buffer {
    const bytes = typeof plaintext === 'string' ? encodeUtf8(plaintext) : plaintext
    try {
      const [nonce, gcm] = begin(callOptions)
      const before = json ? head : 2 * nonceBytes
      const out = Buffer.allocUnsafe(before + 2 * (bytes.length + TAG_BYTES) + (json ? kidSuffixBytes : 0))
      let at = json ? out.write(nonceHead, 0, 'latin1') : 0
      at += out.write(nonce.toString('hex'), at, 'latin1')
      if (json) out.write(cipherHead, at, 'latin1')
      at = encryptHexInto(gcm, bytes, out, before)
      gcm.final()
      at += out.write(gcm.getAuthTag().toString('hex'), at, 'latin1')
      if (json) out.write(kidSuffix, at, 'utf8')
      return out
    } finally {
      if (typeof plaintext === 'string') wipeUtf8(bytes)
    }
  }

  function sealToJson(plaintext: string | Uint8Array, callOptions?: CallOptions): string {
    checkPlaintext(plaintext)
    if (isLong(plaintext)) return sealLong(plaintext, callOptions, true).toString(valueEncoding)
    const [nonce, ciphertext] = sealShort(plaintext, callOptions)
    // as encodeEnvelopeJson writes it
    return nonceHead + nonce + cipherHead + ciphertext + kidSuffix
  }

  function sealToBytes(plaintext: string | Uint8Array, callOptions?: CallOptions): Buffer {
    checkPlaintext(plaintext)
    if (isLong(plaintext)) return sealLong(plaintext, callOptions, true)
    return Buffer.from(sealToJson(plaintext, callOptions), 'utf8')
  }

  function open(input: EnvelopeInput, callOptions?: CallOptions): Buffer {
    const envelope = toEnvelope(input)
    const aad = callOptions?.aad === undefined ? resolved.aad : toAad(callOptions.aad, 'aad')
    const nonce = decodeHex(envelope.nonce, 'nonce')
    if (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES) {
      throw new EnvelopeError(
        EnvelopeErrorCode.BAD_NONCE,
        `nonce must be 1 to ${MAX_NONCE_BYTES} bytes, received ${nonce.length} bytes`,
        { field: 'nonce' },
      )
    }
    const data = decodeCiphertext(envelope.ciphertext)
    if (data.length < TAG_BYTES) {
      throw new EnvelopeError(
        EnvelopeErrorCode.TRUNCATED,
        `ciphertext must hold at least the ${TAG_BYTES}-byte tag, received ${data.length} bytes`,
        { field: 'ciphertext' },
      )
    }
    const candidates = keysFor(resolved, envelope.kid)
    for (const key of candidates) {
      const plain = tryDecrypt(key, nonce, data, aad)
      if (plain !== undefined) return plain
    }
    throw new EnvelopeError(
      EnvelopeErrorCode.AUTH_FAILED,
      `authentication tag does not verify with ${candidates.length === 1 ? 'the key' : `any of ${candidates.length} keys`}${envelope.kid === undefined ? '' : ` for kid ${JSON.stringify(envelope.kid)}`}: wrong key, wrong AAD, or damaged message`,
      { field: 'ciphertext', kid: envelope.kid },
    )
  }

  return {
    activeKid,
    seal(plaintext, callOptions) {
      checkPlaintext(plaintext)
      let nonce: string
      let ciphertext: string
      if (!isLong(plaintext)) [nonce, ciphertext] = sealShort(plaintext, callOptions)
      else {
        const out = sealLong(plaintext, callOptions, false)
        nonce = out.toString('latin1', 0, 2 * nonceBytes)
        ciphertext = out.toString('latin1', 2 * nonceBytes)
      }
      return activeKid === undefined ? { nonce, ciphertext } : { nonce, ciphertext, kid: activeKid }
    },
    sealToBytes,
    sealToJson,
    open,
    openToString(input, callOptions) {
      return open(input, callOptions).toString('utf8')
    },
  }
}

/** Table GCM, or none where it cannot be made (an OpenSSL without AES-ECB): Node's GCM then seals every row. */
function tableGcmOrNone(key: ParsedKey, nonceBytes: 12 | 16): TableGcm | undefined {
  try {
    return createTableGcm(key, nonceBytes)
  } catch {
    return undefined
  }
}

/**
 * Rows of SIMD_FROM_BYTES bytes (or UTF-16 units) and more are encrypted and encoded piece by
 * piece into one buffer; shorter ones use Node's hex, which costs less per call.
 */
function isLong(plaintext: string | Uint8Array): boolean {
  return plaintext.length >= SIMD_FROM_BYTES
}

function toEnvelope(input: EnvelopeInput): Envelope | EnvelopeBytes {
  if (typeof input === 'string') return parseEnvelopeJson(input)
  if (input instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    return scanEnvelopeBytes(bytes) ?? parseEnvelopeJson(bytes.toString('utf8'))
  }
  return envelopeFromValue(input)
}

/**
 * The ciphertext field's bytes. A long one is decoded into the hex module's memory (valid
 * until its next call: the caller decrypts from it at once); errors as decodeHex's.
 */
function decodeCiphertext(hex: string | Uint8Array): Uint8Array {
  if (hex.length < 2 * SIMD_FROM_BYTES)
    return decodeHex(
      typeof hex === 'string' ? hex : Buffer.from(hex.buffer, hex.byteOffset, hex.length).toString('latin1'),
      'ciphertext',
    )
  if (hex.length % 2 === 0) {
    const view = decodeHexView(hex)
    if (view !== undefined) return view
  }
  // not hex: decodeHex words the error (odd length, or where the first bad pair is)
  return decodeHex(
    typeof hex === 'string' ? hex : Buffer.from(hex.buffer, hex.byteOffset, hex.length).toString('utf8'),
    'ciphertext',
  )
}

function keysFor(resolved: ResolvedOptions, kid: string | undefined): ParsedKey[] {
  if (kid !== undefined && resolved.activeKid !== undefined) {
    const key = resolved.keys.get(kid)
    if (key === undefined) {
      throw new EnvelopeError(
        EnvelopeErrorCode.UNKNOWN_KID,
        `no key with kid ${JSON.stringify(kid)} is configured`,
        {
          field: 'kid',
          kid,
        },
      )
    }
    return [key]
  }
  // no kid in the envelope (legacy writers), or a single key configured without a kid
  if (kid !== undefined || !resolved.tryAllKeys) return [resolved.fallback]
  return [resolved.fallback, ...[...resolved.keys.values()].filter((key) => key !== resolved.fallback)]
}

/** Returns the plaintext only once the tag verified; no partial output ever escapes. */
function tryDecrypt(
  key: ParsedKey,
  nonce: Buffer,
  data: Uint8Array,
  aad: Buffer | undefined,
): Buffer | undefined {
  const decipher = createDecipheriv(key.algorithm, key.key, nonce)
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
  if (aad !== undefined) decipher.setAAD(aad)
  const plain = decipher.update(data.subarray(0, data.length - TAG_BYTES))
  try {
    decipher.final()
  } catch {
    plain.fill(0)
    return undefined
  }
  return plain
}
