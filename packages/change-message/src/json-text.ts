// Canonical JSON text for rendered rows, and a lossless parser for reading them back.
//
// Rendered values are JSON-ready: null, boolean, number, string, arrays and plain objects,
// plus `bigint` for integers outside ±(2^53-1) (BIGINT UNSIGNED max, BIT(64)), which must
// travel as JSON numbers with exact digits. JSON.stringify throws on bigint and JSON.parse
// rounds such numbers, so both directions are done here.

import { ChangeMessageError } from './errors.ts'

/**
 * Marks a value that renders itself as raw JSON text. A symbol (from the global registry, so
 * binlog-reader's RawJson carries it without depending on this package): a row is a plain
 * object keyed by column names, and a column named `rawJson` must not make the whole row
 * read as raw text.
 */
export const rawJsonBrand: unique symbol = Symbol.for('@sync/raw-json')

/** A value that renders itself as raw JSON text (e.g. an exact number kept as text). */
export interface RawJsonValue {
  readonly rawJson: string
  readonly [rawJsonBrand]: true
}

/** A raw JSON value: `text` is written as is (it must be valid JSON; nothing checks it here). */
export function rawJsonValue(text: string): RawJsonValue {
  return { rawJson: text, [rawJsonBrand]: true }
}

export function isRawJsonValue(value: unknown): value is RawJsonValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as RawJsonValue)[rawJsonBrand] === true &&
    typeof (value as RawJsonValue).rawJson === 'string'
  )
}

function fail(what: string): never {
  throw new ChangeMessageError('CM_VALUE', `cannot render ${what} as JSON`)
}

function write(value: unknown, out: string[], sortKeys: boolean, depth: number): void {
  if (depth > 200) fail('a value nested deeper than 200 levels (a cycle?)')
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value))
      return
    case 'number':
      if (!Number.isFinite(value)) fail(String(value))
      out.push(JSON.stringify(value))
      return
    case 'bigint':
      out.push(value.toString())
      return
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return
    case 'undefined':
      out.push('null')
      return
    case 'object': {
      if (value === null) {
        out.push('null')
        return
      }
      if (isRawJsonValue(value)) {
        out.push(value.rawJson)
        return
      }
      if (Array.isArray(value)) {
        out.push('[')
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',')
          write(value[i], out, sortKeys, depth + 1)
        }
        out.push(']')
        return
      }
      const toJSON = (value as { toJSON?: () => unknown }).toJSON
      if (typeof toJSON === 'function') {
        write(toJSON.call(value), out, sortKeys, depth + 1)
        return
      }
      const keys = Object.keys(value)
      if (sortKeys) keys.sort()
      out.push('{')
      let first = true
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k]
        if (v === undefined) continue
        if (!first) out.push(',')
        first = false
        out.push(JSON.stringify(k), ':')
        write(v, out, sortKeys, depth + 1)
      }
      out.push('}')
      return
    }
    default:
      fail(`a ${typeof value}`)
  }
}

/**
 * True when JSON.stringify renders `value` exactly as `write` does: plain objects and
 * arrays (no toJSON, no raw JSON) of strings, finite numbers, booleans, null and
 * undefined. Rows without bigint or exact-decimal values are the common case, and the
 * native JSON.stringify renders them several times faster than the general path.
 */
function nativeSafe(value: object, depth: number): boolean {
  if (depth > 8 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
  if (isRawJsonValue(value)) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!nativeSafeMember(value[i], depth)) return false
    return true
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue
    if (!nativeSafeMember((value as Record<string, unknown>)[k], depth)) return false
  }
  return true
}

function nativeSafeMember(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true
    case 'number':
      return Number.isFinite(v)
    case 'object':
      return v === null || nativeSafe(v, depth + 1)
    default:
      return false
  }
}

// Object keys as JSON strings, kept: rows repeat the same few column names
const quotedKeys = new Map<string, string>()
function quoteKey(k: string): string {
  let q = quotedKeys.get(k)
  if (q === undefined) {
    q = JSON.stringify(k)
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q)
  }
  return q
}

/**
 * The text of a member value that holds no nested object or array, as `write` writes it:
 * '' for undefined (the member is left out), undefined for anything else (a non-finite
 * number, a nested object or array, a function, a symbol), which the caller handles.
 */
function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Number.isFinite(v) ? `${v}` : undefined
    case 'bigint':
      return v.toString()
    case 'boolean':
      return v ? 'true' : 'false'
    case 'undefined':
      return ''
    case 'object':
      return v === null ? 'null' : isRawJsonValue(v) ? v.rawJson : undefined
    default:
      return undefined
  }
}

/**
 * The text of a flat object (no nested object or array), e.g. a row holding exact numbers
 * (raw JSON, e.g. DECIMAL) or bigint, which JSON.stringify cannot write, or a key whose
 * names are out of order, built as one string (keys sorted with `sortKeys`); undefined for
 * anything else, which takes the general path. Writes what `write` writes.
 */
function flatCanonical(value: object, sortKeys = false): string | undefined {
  if (Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined
  if (isRawJsonValue(value)) return undefined
  let text = '{'
  let first = true
  const keys = Object.keys(value)
  if (sortKeys) keys.sort()
  for (const k of keys) {
    const t = scalarText((value as Record<string, unknown>)[k])
    if (t === undefined) return undefined
    if (t === '') continue
    text += first ? `${quoteKey(k)}:${t}` : `,${quoteKey(k)}:${t}`
    first = false
  }
  return `${text}}`
}

/** Compact JSON text keeping object key order; bigint as exact digits. */
export function stringifyCanonical(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    if (nativeSafe(value, 0)) return JSON.stringify(value)
    const flat = flatCanonical(value)
    if (flat !== undefined) return flat
  }
  const out: string[] = []
  write(value, out, false, 0)
  return out.join('')
}

/** Compact JSON text with object keys sorted at every level: equal values give equal text. */
export function stringifyStable(value: unknown): string {
  // the usual key: one flat object whose keys are already in order
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if (flatSorted(value)) return JSON.stringify(value)
    // a flat key out of order (e.g. table_name before id) or holding a bigint: one string
    const flat = flatCanonical(value, true)
    if (flat !== undefined) return flat
  }
  const out: string[] = []
  write(value, out, true, 0)
  return out.join('')
}

function flatSorted(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
  if (isRawJsonValue(value)) return false
  let previous: string | undefined
  for (const k of Object.keys(value)) {
    if (previous !== undefined && !(previous < k)) return false
    previous = k
    const v = (value as Record<string, unknown>)[k]
    if (typeof v === 'object' ? v !== null : !nativeSafeMember(v, 0)) return false
  }
  return true
}

/**
 * A writer for records of one shape: objects whose own enumerable keys are `keys`, in
 * that order (e.g. the rows of one table's projection). It writes what stringifyCanonical
 * writes (stringifyStable's text with `sortKeys`) without looking at the record's keys,
 * with the quoted names prepared once. `trailer`, raw member text such as `"__op":0`, is
 * written as one more member at the end. A record of another shape gets a wrong text:
 * the caller guarantees the shape. A `toJSON` member (which, if a function, would change how
 * the record itself is written) takes the general path.
 */
export function compileRecordWriter(
  keys: readonly string[],
  options: { sortKeys?: boolean; trailer?: string } = {},
): (record: Record<string, unknown>) => string {
  const sortKeys = options.sortKeys ?? false
  const trailer = options.trailer ?? ''
  if (keys.includes('toJSON')) {
    const general = sortKeys ? stringifyStable : stringifyCanonical
    if (trailer === '') return general
    return (record) => {
      const text = general(record)
      return text === '{}' ? `{${trailer}}` : `${text.slice(0, -1)},${trailer}}`
    }
  }
  const names = [...new Set(keys)]
  if (sortKeys) names.sort()
  const n = names.length
  const first = names.map((k) => `{${JSON.stringify(k)}:`)
  const next = names.map((k) => `,${JSON.stringify(k)}:`)
  const end = trailer === '' ? '}' : `,${trailer}}`
  const empty = trailer === '' ? '{}' : `{${trailer}}`
  return (record) => {
    let text = ''
    for (let i = 0; i < n; i++) {
      const v = record[names[i] as string]
      let t = scalarText(v)
      if (t === '') continue
      if (t === undefined) {
        if (typeof v === 'number') fail(String(v))
        if (typeof v !== 'object') fail(`a ${typeof v}`)
        const out: string[] = []
        write(v, out, sortKeys, 1)
        t = out.join('')
      }
      text += (text === '' ? first[i] : next[i]) + t
    }
    return text === '' ? empty : text + end
  }
}

/**
 * JSON.parse, except that integers outside the safe range come back as bigint, so
 * 18446744073709551615 survives a round trip. Other numbers parse as JSON.parse does.
 * (Node 20 has no reviver `context.source`, hence the small parser for the slow path.)
 */
export function parseJsonLossless(text: string): unknown {
  // Fast path: no digit run long enough to be an unsafe integer.
  if (!/\d{16,}/.test(text)) return JSON.parse(text)
  const parser = new LosslessParser(text)
  const value = parser.value()
  parser.end()
  return value
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const stringPattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

class LosslessParser {
  private i = 0
  constructor(private readonly s: string) {}

  private ws(): void {
    const s = this.s
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      this.i++
    }
  }

  private bad(what: string): never {
    throw new SyntaxError(`${what} at position ${this.i} in JSON`)
  }

  end(): void {
    this.ws()
    if (this.i !== this.s.length) this.bad('Unexpected data after the value')
  }

  value(): unknown {
    this.ws()
    const c = this.s[this.i]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length
        return v
      }
    }
    return this.bad('Unexpected token')
  }

  private string(): string {
    stringPattern.lastIndex = this.i
    const m = stringPattern.exec(this.s)
    if (!m) return this.bad('Bad string')
    this.i += m[0].length
    return JSON.parse(m[0]) as string
  }

  private number(): number | bigint {
    numberPattern.lastIndex = this.i
    const m = numberPattern.exec(this.s)
    if (!m) return this.bad('Bad number')
    this.i += m[0].length
    const n = Number(m[0])
    if (!Number.isSafeInteger(n) && /^-?\d+$/.test(m[0])) return BigInt(m[0])
    return n
  }

  private array(): unknown[] {
    this.i++
    const out: unknown[] = []
    this.ws()
    if (this.s[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      out.push(this.value())
      this.ws()
      const c = this.s[this.i++]
      if (c === ']') return out
      if (c !== ',') this.bad('Expected , or ]')
    }
  }

  private object(): Record<string, unknown> {
    this.i++
    const out: Record<string, unknown> = {}
    this.ws()
    if (this.s[this.i] === '}') {
      this.i++
      return out
    }
    for (;;) {
      this.ws()
      if (this.s[this.i] !== '"') this.bad('Expected a property name')
      const key = this.string()
      this.ws()
      if (this.s[this.i++] !== ':') this.bad('Expected :')
      Object.defineProperty(out, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      })
      this.ws()
      const c = this.s[this.i++]
      if (c === '}') return out
      if (c !== ',') this.bad('Expected , or }')
    }
  }
}
