import { readFileSync } from 'node:fs'
import { describeValue, EnvelopeError, EnvelopeErrorCode } from './errors.js'
import { parseKey } from './keys.js'

/**
 * Where a key comes from. The string forms suit one config value:
 * `"hex:<digits>"`, `"env:<NAME>"`, `"file:<path>"`, or bare hex digits.
 */
export type KeySource = string | { hex: string } | { env: string } | { file: string }

export interface ResolveKeyContext {
  /**
   * The environment to read `env:` sources from. The library never reads process.env
   * itself: the app passes it (`{ env: process.env }`), so tests and config stay explicit.
   */
  env?: Readonly<Record<string, string | undefined>>
  /** Reads a key file; defaults to fs.readFileSync(path, 'utf8'). */
  readFile?: (path: string) => string
}

/**
 * Resolves a key source to normalised lower-case hex, validated as an AES key. Surrounding
 * whitespace (a trailing newline in a key file) is ignored. Errors name the source
 * (`env:SYNC_KEY`, `file:/etc/sync/key`), never the key.
 */
export function resolveKey(source: KeySource, context: ResolveKeyContext = {}): string {
  const { kind, ref } = splitSource(source)
  let text: string
  if (kind === 'hex') {
    text = ref
  } else if (kind === 'env') {
    if (context.env === undefined) {
      throw new EnvelopeError(
        EnvelopeErrorCode.BAD_OPTIONS,
        `key source env:${ref} needs the environment passed explicitly, e.g. resolveKey(source, { env: process.env })`,
        { field: 'context.env' },
      )
    }
    const value = context.env[ref]
    if (value === undefined || value.trim() === '') {
      throw new EnvelopeError(
        EnvelopeErrorCode.KEY_SOURCE,
        `environment variable ${ref} is not set or empty`,
        {
          field: `env:${ref}`,
        },
      )
    }
    text = value
  } else {
    try {
      text = (context.readFile ?? ((path: string) => readFileSync(path, 'utf8')))(ref)
    } catch (cause) {
      const reason = (cause as { code?: string }).code ?? 'read error'
      throw new EnvelopeError(EnvelopeErrorCode.KEY_SOURCE, `key file ${ref} cannot be read (${reason})`, {
        field: `file:${ref}`,
        cause,
      })
    }
  }
  const hex = text.trim()
  parseKey(hex, kind === 'hex' ? 'key' : `key from ${kind}:${ref}`)
  return hex.toLowerCase()
}

function splitSource(source: KeySource): { kind: 'hex' | 'env' | 'file'; ref: string } {
  if (typeof source === 'string') {
    const colon = source.indexOf(':')
    const prefix = colon > 0 ? source.slice(0, colon) : ''
    if (prefix === 'hex' || prefix === 'env' || prefix === 'file') {
      return { kind: prefix, ref: source.slice(colon + 1) }
    }
    if (colon === -1) return { kind: 'hex', ref: source }
    throw new EnvelopeError(
      EnvelopeErrorCode.BAD_OPTIONS,
      `key source must be hex digits or start with hex:, env: or file:, received ${describeValue(prefix)} before the first colon`,
      { field: 'source' },
    )
  }
  if (source !== null && typeof source === 'object') {
    const keys = Object.keys(source)
    const only = keys[0]
    if (keys.length === 1 && (only === 'hex' || only === 'env' || only === 'file')) {
      const ref = (source as Record<string, unknown>)[only]
      if (typeof ref === 'string' && ref !== '') return { kind: only, ref }
    }
  }
  throw new EnvelopeError(
    EnvelopeErrorCode.BAD_OPTIONS,
    `key source must be a string or one of { hex }, { env }, { file } with a non-empty string, received ${describeValue(source)}`,
    { field: 'source' },
  )
}
