// A JSON reader that keeps every number as its literal text, so DECIMAL(38,10), LARGEINT and
// BIGINT UNSIGNED values reach MariaDB digit for digit (StarRocks reads them as VARCHAR and
// CASTs, §3.4 of the protocol reference), and that remembers each record's raw text for the
// error log (`Error: <msg>. Row: <raw json>`, §3.5).

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text)
  }
}

/** Object members in document order; a repeated key keeps every occurrence. */
export class JsonObject {
  constructor(readonly entries: Array<[string, JsonValue]>) {}
  /** First occurrence wins, as in StarRocks' simple mode (§3.3). */
  get(key: string): JsonValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v
    return undefined
  }
  has(key: string): boolean {
    return this.entries.some(([k]) => k === key)
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

/** One top-level record: its value and the text it was read from. */
export interface JsonRecord {
  value: JsonValue
  raw: string
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

export function skipWhitespace(text: string, at: number): number {
  let i = at
  while (i < text.length && WS.has(text.charCodeAt(i))) i++
  return i
}

/** Parses the top-level array `[...]` starting at `at`; each element becomes a record. */
export function parseArrayRecords(text: string, at: number): { records: JsonRecord[]; end: number } {
  const p = new Parser(text, at)
  const records = p.arrayRecords()
  return { records, end: skipWhitespace(text, p.i) }
}

/** Parses a stream of whitespace-separated documents (NDJSON, or `{..}{..}`). */
export function parseDocumentStream(text: string): JsonRecord[] {
  const out: JsonRecord[] = []
  const p = new Parser(text, 0)
  for (;;) {
    p.i = skipWhitespace(text, p.i)
    if (p.i >= text.length) return out
    const start = p.i
    const value = p.value()
    out.push({ value, raw: text.slice(start, p.i) })
  }
}

export function parseJsonValue(text: string): JsonValue {
  const p = new Parser(text, 0)
  const v = p.value()
  if (skipWhitespace(text, p.i) !== text.length) throw new JsonSyntaxError('trailing content', p.i)
  return v
}

/** Minified JSON text of a value, numbers as written (StarRocks stores objects this way). */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof JsonNumber) return value.text
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`
  return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`).join(',')}}`
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

class Parser {
  constructor(
    readonly text: string,
    public i: number,
  ) {}

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at offset ${this.i}`, this.i)
  }

  arrayRecords(): JsonRecord[] {
    const { text } = this
    if (text[this.i] !== '[') this.fail('expected [')
    this.i++
    const out: JsonRecord[] = []
    this.i = skipWhitespace(text, this.i)
    if (text[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      this.i = skipWhitespace(text, this.i)
      const start = this.i
      const value = this.value()
      out.push({ value, raw: text.slice(start, this.i) })
      this.i = skipWhitespace(text, this.i)
      const c = text[this.i++]
      if (c === ']') return out
      if (c !== ',') this.fail('expected , or ]')
    }
  }

  value(): JsonValue {
    const { text } = this
    this.i = skipWhitespace(text, this.i)
    const c = text[this.i]
    if (c === '{') return this.object()
    if (c === '[') {
      this.i++
      const arr: JsonValue[] = []
      this.i = skipWhitespace(text, this.i)
      if (text[this.i] === ']') {
        this.i++
        return arr
      }
      for (;;) {
        arr.push(this.value())
        this.i = skipWhitespace(text, this.i)
        const d = text[this.i++]
        if (d === ']') return arr
        if (d !== ',') this.fail('expected , or ]')
      }
    }
    if (c === '"') return this.string()
    if (text.startsWith('true', this.i)) return this.word(4, true)
    if (text.startsWith('false', this.i)) return this.word(5, false)
    if (text.startsWith('null', this.i)) return this.word(4, null)
    NUMBER.lastIndex = this.i
    const m = NUMBER.exec(text)
    if (!m) return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${c}`)
    this.i += m[0].length
    return new JsonNumber(m[0])
  }

  word<T>(len: number, v: T): T {
    this.i += len
    return v
  }

  object(): JsonObject {
    const { text } = this
    this.i++
    const entries: Array<[string, JsonValue]> = []
    this.i = skipWhitespace(text, this.i)
    if (text[this.i] === '}') {
      this.i++
      return new JsonObject(entries)
    }
    for (;;) {
      this.i = skipWhitespace(text, this.i)
      if (text[this.i] !== '"') this.fail('expected a key')
      const key = this.string()
      this.i = skipWhitespace(text, this.i)
      if (text[this.i++] !== ':') this.fail('expected :')
      entries.push([key, this.value()])
      this.i = skipWhitespace(text, this.i)
      const d = text[this.i++]
      if (d === '}') return new JsonObject(entries)
      if (d !== ',') this.fail('expected , or }')
    }
  }

  string(): string {
    const { text } = this
    const start = this.i
    let j = start + 1
    let escaped = false
    for (;;) {
      const ch = text.charCodeAt(j)
      if (Number.isNaN(ch)) {
        this.i = j
        this.fail('A string is opened, but never closed')
      }
      if (ch === 0x22) break
      if (ch === 0x5c) {
        escaped = true
        j += 2
        continue
      }
      if (ch < 0x20) {
        this.i = j
        this.fail('unescaped control character in string')
      }
      j++
    }
    this.i = j + 1
    const body = text.slice(start + 1, j)
    if (!escaped) return body
    try {
      return JSON.parse(text.slice(start, j + 1)) as string
    } catch {
      this.i = start
      return this.fail('invalid escape in string')
    }
  }
}
