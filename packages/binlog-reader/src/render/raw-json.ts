// Rendered values and their canonical JSON text.
//
// A rendered value is one of: null, number (a finite double, or an integer within
// ±(2^53-1)), bigint (an integer outside that range: BIGINT UNSIGNED max, BIT(64)),
// string, or RawJson (already canonical JSON text: the value of a JSON column).
// JSON.stringify cannot write bigint or raw text, so stringifyRow does; it is the one
// place that turns rendered rows into the canonical JSON text of shared/DESIGN.md.

import { BinlogError } from '../errors.ts'

/**
 * The brand @sync/change-message's writers recognise raw JSON values by (its rawJsonBrand:
 * the same registered symbol), so a row's column named `rawJson` is never taken for one.
 */
const rawJsonBrand: unique symbol = Symbol.for('@sync/raw-json')

/** Canonical JSON text carried as is (the value of a JSON column). */
export class RawJson {
  readonly rawJson: string
  readonly [rawJsonBrand] = true as const
  constructor(rawJson: string) {
    this.rawJson = rawJson
  }
  toString(): string {
    return this.rawJson
  }
  /** Plain JSON.stringify would turn this into a string; use stringifyRow instead. */
  toJSON(): never {
    throw new TypeError('RawJson cannot be serialised with JSON.stringify; use stringifyRow/stringifyValue')
  }
}

export type RenderedValue = null | number | bigint | string | RawJson
export type RenderedRow = Record<string, RenderedValue>

export function isRawJson(value: unknown): value is RawJson {
  return typeof value === 'object' && value !== null && (value as RawJson)[rawJsonBrand] === true
}

/** The canonical JSON text of one rendered value. */
export function stringifyValue(value: RenderedValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) {
        throw new BinlogError('BINLOG_RENDER', `cannot render the number ${value} as JSON`)
      }
      return JSON.stringify(value)
    case 'bigint':
      return value.toString()
    case 'object':
      if (value === null) return 'null'
      if (isRawJson(value)) return value.rawJson
      break
  }
  throw new BinlogError('BINLOG_RENDER', `not a rendered value: ${typeof value}`)
}

/** The canonical JSON text of a rendered row: keys in the row's order, no whitespace. */
export function stringifyRow(row: RenderedRow): string {
  let out = '{'
  let first = true
  for (const key in row) {
    if (!first) out += ','
    first = false
    out += JSON.stringify(key) + ':' + stringifyValue(row[key] as RenderedValue)
  }
  return out + '}'
}
