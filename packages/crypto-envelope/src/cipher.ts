import { createCipheriv, createDecipheriv } from 'node:crypto'
import { type Envelope, encodeEnvelopeJson, envelopeFromValue, parseEnvelopeJson } from './envelope-json.js'
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

  function sealParts(plaintext: string | Uint8Array, callOptions?: CallOptions): [string, string] {
    const aad = callOptions?.aad === undefined ? resolved.aad : toAad(callOptions.aad, 'aad')
    const nonce = nonces.next()
    const cipher = createCipheriv(active.algorithm, active.key, nonce)
    if (aad !== undefined) cipher.setAAD(aad)
    let body: Buffer
    if (typeof plaintext === 'string') body = cipher.update(plaintext, 'utf8')
    else if (plaintext instanceof Uint8Array) body = cipher.update(plaintext)
    else {
      throw new EnvelopeError(
        EnvelopeErrorCode.BAD_OPTIONS,
        `plaintext must be a string or a Uint8Array, received ${describeValue(plaintext)}`,
        { field: 'plaintext' },
      )
    }
    cipher.final() // GCM is a stream mode: final() emits nothing, it computes the tag
    return [nonce.toString('hex'), body.toString('hex') + cipher.getAuthTag().toString('hex')]
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
    const data = decodeHex(envelope.ciphertext, 'ciphertext')
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
      const [nonce, ciphertext] = sealParts(plaintext, callOptions)
      return activeKid === undefined ? { nonce, ciphertext } : { nonce, ciphertext, kid: activeKid }
    },
    sealToJson(plaintext, callOptions) {
      const [nonce, ciphertext] = sealParts(plaintext, callOptions)
      return encodeEnvelopeJson(
        activeKid === undefined ? { nonce, ciphertext } : { nonce, ciphertext, kid: activeKid },
      )
    },
    open,
    openToString(input, callOptions) {
      return open(input, callOptions).toString('utf8')
    },
  }
}

function toEnvelope(input: EnvelopeInput): Envelope {
  if (typeof input === 'string') return parseEnvelopeJson(input)
  if (input instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    return parseEnvelopeJson(bytes.toString('utf8'))
  }
  return envelopeFromValue(input)
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
  data: Buffer,
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
