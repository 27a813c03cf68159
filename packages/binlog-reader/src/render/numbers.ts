// Integers, BIT and FLOAT as exact JSON numbers.

import { BinlogError } from '../errors.ts'

const intRe = /^-?\d+$/

/** An integer as a number when exact in a double, else as a bigint (exact digits in JSON). */
export function renderInteger(value: unknown): number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value
    throw new BinlogError('BINLOG_RENDER', `integer ${value} arrived as an inexact number`)
  }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value
  if (typeof value === 'string' && intRe.test(value)) {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : BigInt(value)
  }
  throw new BinlogError('BINLOG_RENDER', `not an integer: ${String(value)}`)
}

/** BIT(n) bytes (big-endian) as an unsigned integer. */
export function renderBit(value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    return renderInteger(value)
  }
  if (!Buffer.isBuffer(value)) throw new BinlogError('BINLOG_RENDER', 'BIT value is not a Buffer')
  let n = 0n
  for (const byte of value) n = (n << 8n) | BigInt(byte)
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
}

/**
 * FLOAT is a float32: the shortest decimal that reads back as the same float32
 * (1.1f is 1.100000023841858 as a double, rendered 1.1). Both paths reach the same
 * float32 (zongji decodes it exactly; the SELECT path reads it widened to DOUBLE),
 * so both get the same text.
 */
export function renderFloat32(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new BinlogError('BINLOG_RENDER', `not a FLOAT value: ${String(value)}`)
  }
  const f = Math.fround(n)
  if (f === 0) return 0
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(f.toPrecision(digits))
    if (Math.fround(candidate) === f) return candidate
  }
  return f
}

export function renderDouble(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new BinlogError('BINLOG_RENDER', `not a DOUBLE value: ${String(value)}`)
  }
  return n === 0 ? 0 : n
}

const decimalRe = /^-?\d+(\.\d+)?$/

/** DECIMAL as MySQL's own digits and scale, as a JSON string ("12.50"). */
export function renderDecimal(value: unknown): string {
  if (typeof value === 'string' && decimalRe.test(value)) return value
  throw new BinlogError('BINLOG_RENDER', `DECIMAL must arrive as exact text, received ${typeof value}`)
}
