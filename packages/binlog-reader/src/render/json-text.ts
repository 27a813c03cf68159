// Canonical text of a JSON document, without going through JS numbers for integers.
//
// MariaDB stores JSON as text exactly as written ('{"a": 1,  "b":[1.50]}'); MySQL stores
// binary JSON that zongji and mysql2 (jsonStrings) turn into text with their own spacing.
// Both paths must give one rendering, and JSON.parse would round 12345678901234567890.
// Canonical form: no insignificant whitespace, members in document order, strings
// re-escaped the way JSON.stringify does, integer literals kept digit for digit, other
// numbers in the shortest round-trip double form (1.50 → 1.5, 1E2 → 100).

import { BinlogError } from '../errors.ts'

export function canonicalJsonText(text: string): string {
  const parser = { text, i: 0 }
  skipSpace(parser)
  const out = readValue(parser, 0)
  skipSpace(parser)
  if (parser.i !== text.length) fail(parser, 'trailing characters')
  return out
}

interface State {
  text: string
  i: number
}

function fail(state: State, what: string): never {
  throw new BinlogError('BINLOG_RENDER', `invalid JSON text at offset ${state.i}: ${what}`)
}

function skipSpace(s: State): void {
  const t = s.text
  while (s.i < t.length) {
    const c = t.charCodeAt(s.i)
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) s.i++
    else break
  }
}

const numberRe = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y

function readValue(s: State, depth: number): string {
  if (depth > 512) fail(s, 'nested deeper than 512 levels')
  const c = s.text[s.i]
  if (c === '{') return readObject(s, depth)
  if (c === '[') return readArray(s, depth)
  if (c === '"') return readString(s)
  if (c === 't' && s.text.startsWith('true', s.i)) {
    s.i += 4
    return 'true'
  }
  if (c === 'f' && s.text.startsWith('false', s.i)) {
    s.i += 5
    return 'false'
  }
  if (c === 'n' && s.text.startsWith('null', s.i)) {
    s.i += 4
    return 'null'
  }
  numberRe.lastIndex = s.i
  const m = numberRe.exec(s.text)
  if (!m) fail(s, 'expected a value')
  s.i += m[0].length
  if (m[1] === undefined && m[2] === undefined) return m[0] === '-0' ? '0' : m[0]
  const n = Number(m[0])
  // 1e400 is valid JSON but no double: keep its literal rather than invent Infinity
  if (!Number.isFinite(n)) return m[0]
  return JSON.stringify(n)
}

function readString(s: State): string {
  const t = s.text
  const start = s.i
  let i = start + 1
  let plain = true
  for (;;) {
    if (i >= t.length) fail(s, 'unterminated string')
    const c = t.charCodeAt(i)
    if (c === 0x22) break
    if (c === 0x5c) {
      plain = false
      i += 2
      continue
    }
    if (c < 0x20) fail(s, 'control character in string')
    if (c >= 0xd800 && c <= 0xdfff) plain = false
    i++
  }
  s.i = i + 1
  const raw = t.slice(start, i + 1)
  if (plain) return raw
  let value: string
  try {
    value = JSON.parse(raw) as string
  } catch {
    fail({ text: t, i: start }, 'bad escape in string')
  }
  return JSON.stringify(value)
}

function readObject(s: State, depth: number): string {
  s.i++
  skipSpace(s)
  if (s.text[s.i] === '}') {
    s.i++
    return '{}'
  }
  let out = '{'
  for (;;) {
    skipSpace(s)
    if (s.text[s.i] !== '"') fail(s, 'expected a member name')
    out += readString(s)
    skipSpace(s)
    if (s.text[s.i] !== ':') fail(s, "expected ':'")
    s.i++
    skipSpace(s)
    out += ':' + readValue(s, depth + 1)
    skipSpace(s)
    const c = s.text[s.i++]
    if (c === '}') return out + '}'
    if (c !== ',') fail(s, "expected ',' or '}'")
    out += ','
  }
}

function readArray(s: State, depth: number): string {
  s.i++
  skipSpace(s)
  if (s.text[s.i] === ']') {
    s.i++
    return '[]'
  }
  let out = '['
  for (;;) {
    skipSpace(s)
    out += readValue(s, depth + 1)
    skipSpace(s)
    const c = s.text[s.i++]
    if (c === ']') return out + ']'
    if (c !== ',') fail(s, "expected ',' or ']'")
    out += ','
  }
}
