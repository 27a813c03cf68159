// Typed readers over node:util parseArgs values; every error names the flag and the value.
import { usageError } from '../errors.ts'
import type { FlagValues } from './command.ts'

export function str(values: FlagValues, name: string): string | undefined {
  const v = values[name]
  if (v === undefined) return undefined
  if (Array.isArray(v)) return str({ [name]: v[v.length - 1] }, name)
  if (typeof v !== 'string') throw usageError(`--${name} needs a value`)
  return v
}

export function requireStr(values: FlagValues, name: string, why = ''): string {
  const v = str(values, name)
  if (v === undefined || v === '') throw usageError(`--${name} is required${why ? ` ${why}` : ''}`)
  return v
}

export function bool(values: FlagValues, name: string): boolean {
  return values[name] === true
}

export function list(values: FlagValues, name: string): string[] {
  const v = values[name]
  if (v === undefined) return []
  const items = Array.isArray(v) ? v : [v]
  return items
    .filter((x): x is string => typeof x === 'string')
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '')
}

export function int(
  values: FlagValues,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = str(values, name)
  if (raw === undefined) return undefined
  return parseIntIn(raw, `--${name}`, range)
}

export function parseIntIn(raw: string, label: string, range: { min?: number; max?: number } = {}): number {
  const min = range.min ?? Number.MIN_SAFE_INTEGER
  const max = range.max ?? Number.MAX_SAFE_INTEGER
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = range.min !== undefined && range.max !== undefined ? ` ${min}..${max}` : ''
    throw usageError(`${label} must be an integer${bounds}, received ${JSON.stringify(raw)}`)
  }
  return n
}

export function oneOf<T extends string>(
  values: FlagValues,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = str(values, name)
  if (v === undefined) return fallback
  if (!(allowed as readonly string[]).includes(v)) {
    throw usageError(`--${name} must be one of ${allowed.join(', ')}, received ${JSON.stringify(v)}`)
  }
  return v as T
}

/** A duration: `90`, `90s`, `15m`, `2h`, `1d` → seconds. */
export function duration(values: FlagValues, name: string): number | undefined {
  const raw = str(values, name)
  if (raw === undefined) return undefined
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(raw.trim())
  if (!m)
    throw usageError(`--${name} must be a duration like 90s, 15m, 2h or 1d, received ${JSON.stringify(raw)}`)
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * unit
}
