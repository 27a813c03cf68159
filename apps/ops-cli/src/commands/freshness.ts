import { checkFreshness, type FreshnessEntry, parseFreshnessFlag, parseFreshnessList } from '@sync/ops-kit'
import type { Command } from '../cli/command.ts'
import { bool, duration, list, str } from '../cli/flags.ts'
import { starRocksGroup } from '../cli/option-groups.ts'
import { loadSettings, readTextFile, starRocksEndpoint } from '../config.ts'
import { exitCodes, usageError } from '../errors.ts'
import { withMysql } from '../lib/connections.ts'

export const freshnessCommand: Command = {
  name: 'freshness',
  summary: 'Newest timestamp per StarRocks table, with warning/critical ages for cron and alerting',
  usage: [
    'freshness --tables tables.json [--warn 5m] [--critical 30m]',
    'freshness --check TABLE:COLUMN [--check …]',
  ],
  details: [
    'tables.json is the seed\'s list: [{"TABLE_NAME": "ods_orders", "COLUMN_NAME": "update_time"}], optionally',
    'with per-table "WARN_AFTER"/"CRITICAL_AFTER" (seconds or 15m/2h/1d). The age is computed against the',
    "server's NOW(), so client and server clocks and zones do not matter. An empty table is critical.",
    'Exit: 0 all fresh, 4 some warning, 3 some critical, 1 cannot query.',
  ],
  options: {
    ...starRocksGroup.options,
    tables: { type: 'string' },
    check: { type: 'string', multiple: true },
    warn: { type: 'string' },
    critical: { type: 'string' },
  },
  optionHelp: {
    ...starRocksGroup.help,
    tables: "JSON list of tables and time columns (the seed's starrocks_table.json)",
    check: 'one table and its time column, TABLE:COLUMN',
    warn: 'age that makes a table a warning (default 5m)',
    critical: 'age that makes a table critical (default 30m)',
  },
  examples: [
    'sync-ops freshness --tables starrocks_table.json --sr-host fe1 --sr-database ods --critical 1h',
    'sync-ops freshness --check ods_orders:update_time --json',
    '*/5 * * * * sync-ops freshness --tables /etc/sync/fresh.json || alert "sync is stale"',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const warn = duration(values, 'warn') ?? 300
    const critical = duration(values, 'critical') ?? 1800
    if (warn > critical) throw usageError(`--warn (${warn}s) must not exceed --critical (${critical}s)`)
    const entries: FreshnessEntry[] = list(values, 'check').map(parseFreshnessFlag)
    const file = str(values, 'tables')
    if (file !== undefined) entries.push(...parseFreshnessList(readTextFile(file, 'table list'), file))
    if (entries.length === 0) throw usageError('give --tables FILE or --check TABLE:COLUMN')
    const settings = loadSettings(values, ctx.env)
    const sr = starRocksEndpoint(settings)
    ctx.out.addSecret(sr.password)
    const results = await withMysql(
      sr,
      (conn) => checkFreshness(conn, entries, { warnAfter: warn, criticalAfter: critical }),
      sr.database,
    )
    if (bool(values, 'json')) ctx.out.json(results)
    else {
      ctx.out.table(
        results.map((r) => ({ ...r, age: r.ageSeconds === undefined ? 'no rows' : formatAge(r.ageSeconds) })),
        ['table', 'column', 'newest', 'age', 'verdict'],
      )
    }
    if (results.some((r) => r.verdict === 'critical')) return exitCodes.checkFailed
    return results.some((r) => r.verdict === 'warning') ? exitCodes.warning : exitCodes.ok
  },
}

export function formatAge(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172_800) return `${(s / 3600).toFixed(1)}h`
  return `${(s / 86_400).toFixed(1)}d`
}
