// The seed's freshness check (StarRocksTableCheck): the newest value of a time column per
// table, now with an age, thresholds and a verdict. The table list keeps the seed's format
// ([{"TABLE_NAME": …, "COLUMN_NAME": …}]) and may add per-table "WARN_AFTER"/"CRITICAL_AFTER".
import type { QueryRunner } from '@sync/binlog-reader'
import { quoteIdent } from '@sync/warehouse-ddl'
import { OpsKitError } from './errors.ts'

export interface FreshnessEntry {
  table: string
  column: string
  warnAfter?: number
  criticalAfter?: number
}

export type Verdict = 'ok' | 'warning' | 'critical'

const durationSeconds = (v: unknown, where: string): number => {
  if (typeof v === 'number' && v >= 0) return v
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(v.trim()) : null
  if (!m)
    throw new OpsKitError(
      'OPSKIT_INPUT',
      `${where} must be seconds or a duration like 15m, received ${JSON.stringify(v)}`,
    )
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's']
}

export function parseFreshnessList(text: string, file: string): FreshnessEntry[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new OpsKitError('OPSKIT_INPUT', `${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(json))
    throw new OpsKitError('OPSKIT_INPUT', `${file} must hold an array of {"TABLE_NAME", "COLUMN_NAME"}`)
  return json.map((raw, i) => {
    const e = Object.fromEntries(Object.entries(raw as object).map(([k, v]) => [k.toUpperCase(), v]))
    const where = `${file}[${i}]`
    if (typeof e.TABLE_NAME !== 'string' || typeof e.COLUMN_NAME !== 'string') {
      throw new OpsKitError('OPSKIT_INPUT', `${where} needs TABLE_NAME and COLUMN_NAME strings`)
    }
    return {
      table: e.TABLE_NAME,
      column: e.COLUMN_NAME,
      ...(e.WARN_AFTER !== undefined
        ? { warnAfter: durationSeconds(e.WARN_AFTER, `${where}.WARN_AFTER`) }
        : {}),
      ...(e.CRITICAL_AFTER !== undefined
        ? { criticalAfter: durationSeconds(e.CRITICAL_AFTER, `${where}.CRITICAL_AFTER`) }
        : {}),
    }
  })
}

/** `table:column` as given on the command line. */
export function parseFreshnessFlag(spec: string): FreshnessEntry {
  const m = /^([^:]+):([^:]+)$/.exec(spec)
  if (!m)
    throw new OpsKitError(
      'OPSKIT_BAD_ARGUMENT',
      `--check must be TABLE:COLUMN, received ${JSON.stringify(spec)}`,
    )
  return { table: m[1]!, column: m[2]! }
}

/** Seconds from `newest` to `now`, both server-local "YYYY-MM-DD[ HH:MM:SS[.f]]" texts. */
export function ageSeconds(newest: string, now: string): number {
  const parse = (s: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(s.trim())
    if (!m) throw new OpsKitError('OPSKIT_REMOTE', `cannot read ${JSON.stringify(s)} as a date or datetime`)
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m
    return Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +sec) + (frac ? Number(frac) * 1000 : 0)
  }
  return (parse(now) - parse(newest)) / 1000
}

export function verdict(age: number | undefined, warnAfter: number, criticalAfter: number): Verdict {
  if (age === undefined || age >= criticalAfter) return 'critical'
  return age >= warnAfter ? 'warning' : 'ok'
}

export interface FreshnessThresholds {
  /** Age in seconds that makes a table a warning, unless its entry sets its own. */
  warnAfter: number
  /** Age in seconds that makes a table critical, unless its entry sets its own. */
  criticalAfter: number
}

export interface FreshnessResult {
  table: string
  column: string
  /** Newest value of the column as the server renders it; null for an empty table. */
  newest: string | null
  /** Seconds since `newest` by the server's NOW(); undefined for an empty table. */
  ageSeconds: number | undefined
  verdict: Verdict
}

const qualified = (name: string) => name.split('.').map(quoteIdent).join('.')

/**
 * The newest value of each entry's column against the server's NOW() (so client clocks and
 * zones do not matter), with a verdict per table. An empty table is critical.
 */
export async function checkFreshness(
  conn: QueryRunner,
  entries: readonly FreshnessEntry[],
  thresholds: FreshnessThresholds,
): Promise<FreshnessResult[]> {
  const out: FreshnessResult[] = []
  for (const e of entries) {
    const [rows] = await conn.query(
      `SELECT CAST(MAX(${quoteIdent(e.column)}) AS CHAR) AS newest, CAST(NOW() AS CHAR) AS now FROM ${qualified(e.table)}`,
    )
    const row = (rows as Array<{ newest: string | null; now: string }>)[0]!
    const age = row.newest === null ? undefined : Math.max(0, ageSeconds(row.newest, row.now))
    out.push({
      table: e.table,
      column: e.column,
      newest: row.newest,
      ageSeconds: age,
      verdict: verdict(age, e.warnAfter ?? thresholds.warnAfter, e.criticalAfter ?? thresholds.criticalAfter),
    })
  }
  return out
}
