import { describeValue, EnvelopeError, EnvelopeErrorCode } from './errors.js'
import { type KeyInput, type ParsedKey, parseKey } from './keys.js'

export interface EnvelopeCipherOptions {
  /** One key (hex or bytes). Use `keys` + `activeKid` for rotation. */
  key?: KeyInput
  /** With `key`: a key id written into every envelope as "kid". */
  kid?: string
  /** Several keys by key id; the envelope's "kid" picks one. */
  keys?: Readonly<Record<string, KeyInput>>
  /** With `keys`: the key id that seals. */
  activeKid?: string
  /** With `keys`: the key for envelopes without "kid" (legacy writers). Default: activeKid. */
  defaultKid?: string
  /** Envelopes without "kid": on a tag mismatch, try every other key too (migration aid). Default false. */
  tryAllKeys?: boolean
  /** Nonce length written by seal: 16 (the deployed Java/Python default) or 12. Default 16. */
  nonceBytes?: 12 | 16
  /** Additional authenticated data for every seal/open. Default none (the deployed sides use none). */
  aad?: string | Uint8Array
  /**
   * Seal rows of up to 1 KiB by table GCM (Node's AES, GHASH by tables; src/table-gcm.ts),
   * about 3× cheaper than a Node cipher per row. false: every seal by Node's AES-GCM.
   * Default true. The output is the same AES-GCM either way.
   */
  fastSeal?: boolean
}

export interface CallOptions {
  /** Overrides the cipher's AAD for this call; null means none. */
  aad?: string | Uint8Array | null
}

export interface ResolvedOptions {
  readonly keys: ReadonlyMap<string, ParsedKey>
  /** undefined when a single key was given without a kid: envelopes carry no "kid". */
  readonly activeKid: string | undefined
  readonly active: ParsedKey
  readonly fallback: ParsedKey
  readonly tryAllKeys: boolean
  readonly nonceBytes: 12 | 16
  readonly aad: Buffer | undefined
  readonly fastSeal: boolean
}

const known = new Set([
  'key',
  'kid',
  'keys',
  'activeKid',
  'defaultKid',
  'tryAllKeys',
  'nonceBytes',
  'aad',
  'fastSeal',
])

function bad(field: string, message: string): EnvelopeError {
  return new EnvelopeError(EnvelopeErrorCode.BAD_OPTIONS, `options.${field} ${message}`, {
    field: `options.${field}`,
  })
}

export function toAad(value: unknown, field: string): Buffer | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array) return Buffer.from(value)
  throw bad(field, `must be a string or a Uint8Array, received ${describeValue(value)}`)
}

function checkKid(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || /[\u0000-\u001f]/.test(value)) {
    throw bad(
      field,
      `must be a non-empty string without control characters, received ${describeValue(value)}`,
    )
  }
  return value
}

export function resolveOptions(options: EnvelopeCipherOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_OPTIONS,
      `options must be an object, received ${describeValue(options)}`,
    )
  }
  for (const name of Object.keys(options)) {
    if (!known.has(name)) throw bad(name, `is not a known option (known: ${[...known].join(', ')})`)
  }
  const o = options as Record<string, unknown>
  const tryAllKeys = o.tryAllKeys ?? false
  if (typeof tryAllKeys !== 'boolean')
    throw bad('tryAllKeys', `must be a boolean, received ${describeValue(tryAllKeys)}`)
  const nonceBytes = o.nonceBytes ?? 16
  if (nonceBytes !== 12 && nonceBytes !== 16)
    throw bad('nonceBytes', `must be 12 or 16, received ${describeValue(nonceBytes)}`)
  const aad = toAad(o.aad, 'aad')
  const fastSeal = o.fastSeal ?? true
  if (typeof fastSeal !== 'boolean')
    throw bad('fastSeal', `must be a boolean, received ${describeValue(fastSeal)}`)
  const common = { tryAllKeys, nonceBytes, aad, fastSeal } as const

  if (o.key !== undefined) {
    for (const other of ['keys', 'activeKid', 'defaultKid'] as const) {
      if (o[other] !== undefined)
        throw bad(other, 'cannot be combined with options.key; use options.keys instead')
    }
    const kid = o.kid === undefined ? undefined : checkKid(o.kid, 'kid')
    const parsed = parseKey(o.key as KeyInput, 'options.key')
    return {
      keys: new Map([[kid ?? '', parsed]]),
      activeKid: kid,
      active: parsed,
      fallback: parsed,
      ...common,
    }
  }
  if (o.keys === undefined) throw bad('key', 'or options.keys is required, received neither')
  if (o.kid !== undefined)
    throw bad('kid', 'belongs with options.key; with options.keys use options.activeKid')
  if (o.keys === null || typeof o.keys !== 'object' || Array.isArray(o.keys)) {
    throw bad('keys', `must be an object of key id to key, received ${describeValue(o.keys)}`)
  }
  const keys = new Map<string, ParsedKey>()
  for (const [kid, key] of Object.entries(o.keys as Record<string, unknown>)) {
    checkKid(kid, `keys[${JSON.stringify(kid)}]`)
    keys.set(kid, parseKey(key as KeyInput, `options.keys[${JSON.stringify(kid)}]`))
  }
  if (keys.size === 0) throw bad('keys', 'must hold at least one key, received an empty object')
  const activeKid = checkKid(o.activeKid, 'activeKid')
  const active = keys.get(activeKid)
  if (active === undefined)
    throw bad('activeKid', `must name one of options.keys, received ${describeValue(activeKid)}`)
  const defaultKid = o.defaultKid === undefined ? activeKid : checkKid(o.defaultKid, 'defaultKid')
  const fallback = keys.get(defaultKid)
  if (fallback === undefined)
    throw bad('defaultKid', `must name one of options.keys, received ${describeValue(defaultKid)}`)
  return { keys, activeKid, active, fallback, ...common }
}
