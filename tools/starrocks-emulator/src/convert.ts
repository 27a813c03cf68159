// JSON value → column value, per §3.4 of the protocol reference. Exact types (DECIMAL,
// LARGEINT, BIGINT) are handled as digit strings and BigInt, never as JS floats.
import { JsonNumber, JsonObject, type JsonValue, stringifyJson } from './json-text.ts'
import { INT_RANGES, type SrType } from './types.ts'

/** A value that could not be converted; with strict_mode=false it becomes NULL. */
export class ConversionError {
  constructor(readonly message: string) {}
}

export type SqlValue = string | Buffer | null

const DECIMAL = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/

/** Exact decimal text with `scale` digits, rounding half away from zero (or truncating). */
export function normalizeDecimal(
  text: string,
  precision: number,
  scale: number,
  mode: 'round' | 'truncate' = 'round',
): string | undefined {
  const m = DECIMAL.exec(text)
  if (!m) return undefined
  const intPart = m[2] ?? ''
  const frac = m[3] ?? ''
  if (intPart === '' && frac === '') return undefined
  const exp = Number(m[4] ?? '0') - frac.length
  if (Math.abs(exp) > 400) return undefined
  const digits = BigInt(intPart + frac || '0')
  const shift = exp + scale
  let n: bigint
  if (shift >= 0) n = digits * 10n ** BigInt(shift)
  else {
    const div = 10n ** BigInt(-shift)
    n = digits / div
    if (mode === 'round' && (digits % div) * 2n >= div) n += 1n
  }
  if (n >= 10n ** BigInt(precision)) return undefined
  const negative = m[1] === '-' && n !== 0n
  let s = n.toString()
  if (scale > 0) {
    s = s.padStart(scale + 1, '0')
    s = `${s.slice(0, -scale)}.${s.slice(-scale)}`
  }
  return negative ? `-${s}` : s
}

function numericText(v: JsonValue): string | ConversionError {
  if (v instanceof JsonNumber) return v.text
  if (typeof v === 'string') return v
  return new ConversionError('Unsupported value type. Numeric type is required')
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function parseDateTime(text: string, withTime: boolean): string | undefined {
  const m =
    /^\s*(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d*)?)?)?\s*$/.exec(
      text,
    )
  if (!m) return undefined
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)))
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s))
  if (
    t.getUTCFullYear() !== y ||
    t.getUTCMonth() !== mo! - 1 ||
    t.getUTCDate() !== d ||
    h! > 23 ||
    mi! > 59 ||
    s! > 59
  )
    return undefined
  const date = `${pad(y!, 4)}-${pad(mo!)}-${pad(d!)}`
  if (!withTime) return date
  return `${date} ${pad(h!)}:${pad(mi!)}:${pad(s!)}.${(m[7] ?? '').padEnd(6, '0')}`
}

export function convertValue(v: JsonValue, column: string, type: SrType): SqlValue | ConversionError {
  if (v === null) return null
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'LARGEINT': {
      const text = numericText(v)
      if (text instanceof ConversionError) return text
      const int = normalizeDecimal(text, 80, 0, 'truncate')
      if (int === undefined)
        return new ConversionError(`Unable to cast string value to ${type.kind}: ${text}`)
      const [lo, hi] = INT_RANGES[type.kind]!
      const n = BigInt(int)
      if (n < lo || n > hi) return new ConversionError(`Value is overflow. column=${column}`)
      return n.toString()
    }
    case 'BOOLEAN': {
      if (typeof v === 'boolean') return v ? '1' : '0'
      if (typeof v === 'string' && /^\s*(true|false)\s*$/i.test(v)) return /true/i.test(v) ? '1' : '0'
      const text = numericText(v)
      if (text instanceof ConversionError) return text
      const n = Number(text)
      if (text.trim() === '' || Number.isNaN(n)) return new ConversionError(`Invalid boolean value: ${text}`)
      return n !== 0 ? '1' : '0'
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const text = numericText(v)
      if (text instanceof ConversionError) return text
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n))
        return new ConversionError(`Invalid ${type.kind} value: ${text}`)
      return text.trim()
    }
    case 'DECIMAL': {
      const text = typeof v === 'boolean' ? (v ? '1' : '0') : numericText(v)
      if (text instanceof ConversionError) return text
      const d = normalizeDecimal(text, type.precision!, type.scale!)
      return (
        d ?? new ConversionError(`Invalid decimal value ${text} for DECIMAL(${type.precision},${type.scale})`)
      )
    }
    case 'CHAR':
    case 'VARCHAR':
    case 'STRING':
    case 'BINARY':
    case 'VARBINARY': {
      let s: string
      if (typeof v === 'string') s = v
      else if (v instanceof JsonNumber) s = v.text
      else if (typeof v === 'boolean') s = v ? '1' : '0'
      else s = stringifyJson(v)
      if (Buffer.byteLength(s) > type.length!)
        return new ConversionError(
          `Value length is beyond the capacity. column=${column}, capacity=${type.length}`,
        )
      return type.kind === 'BINARY' || type.kind === 'VARBINARY' ? Buffer.from(s) : s
    }
    case 'DATE':
    case 'DATETIME': {
      const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : undefined
      const out = text === undefined ? undefined : parseDateTime(text, type.kind === 'DATETIME')
      return out ?? new ConversionError(`Invalid ${type.kind} value: ${stringifyJson(v)}`)
    }
    case 'JSON':
      return stringifyJson(v)
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      if (Array.isArray(v) || v instanceof JsonObject) return stringifyJson(v)
      return new ConversionError(`Invalid ${type.kind} value: ${stringifyJson(v)}`)
  }
}
