// Request bodies. Rows are serialised as one JSON array (`strip_outer_array: true`, as both
// official connectors do). Exact values never pass through a JS float: a bigint prints as
// its digits and rawJson() inserts caller-made JSON text verbatim, e.g. "12.50" for a
// DECIMAL (already a string) or 18446744073709551615 for a BIGINT UNSIGNED.
import { randomBytes } from 'node:crypto'

const RAW = Symbol('rawJson')

/** JSON text placed into the body as is (the caller vouches it is valid JSON). */
export interface RawJson {
  readonly [RAW]: string
}

export function rawJson(text: string): RawJson {
  if (typeof text !== 'string' || text.trim() === '') throw new TypeError('rawJson needs non-empty JSON text')
  return { [RAW]: text }
}

const isRaw = (v: unknown): v is RawJson => typeof v === 'object' && v !== null && RAW in v

function needsReplacer(v: unknown, depth = 0): boolean {
  if (typeof v === 'bigint') return true
  if (typeof v !== 'object' || v === null || depth > 32) return false
  if (isRaw(v)) return true
  if (Array.isArray(v)) return v.some((x) => needsReplacer(x, depth + 1))
  for (const k in v) if (needsReplacer((v as Record<string, unknown>)[k], depth + 1)) return true
  return false
}

/** `[{...},{...}]` for the rows, exact for bigint and rawJson values. */
export function serializeRows(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string {
  if (!rows.some((r) => needsReplacer(r))) return JSON.stringify(rows)
  // placeholders carry a per-call nonce, so no user string can be mistaken for one
  const nonce = randomBytes(6).toString('hex')
  const raws: string[] = []
  const text = JSON.stringify(rows, (_key, value: unknown) => {
    if (typeof value === 'bigint') {
      raws.push(value.toString())
      return `\uE000${nonce}:${raws.length - 1}`
    }
    if (isRaw(value)) {
      raws.push(value[RAW])
      return `\uE000${nonce}:${raws.length - 1}`
    }
    return value
  })
  const placeholder = new RegExp(`"\\uE000${nonce}:(\\d+)"`, 'g')
  return text.replace(placeholder, (_m, i: string) => raws[Number(i)]!)
}

/** The JSON shape of a pre-serialised body: an array, or a stream of objects (NDJSON). */
export function bodyShape(body: string | Uint8Array): 'array' | 'objects' {
  const len = body.length
  for (let i = 0; i < len; i++) {
    const c = typeof body === 'string' ? body.charCodeAt(i) : body[i]!
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue
    if (c === 0x5b) return 'array'
    if (c === 0x7b) return 'objects'
    break
  }
  throw new TypeError('body must be a JSON array or JSON objects (NDJSON)')
}
