// A rule directory for the shipper: watchRuleDirectory with the shipper's logging and
// metrics, and a first load that fails as SHIP_RULES (the process exits 2).

import { type KnownTable, type RuleDirectory, watchRuleDirectory } from '@sync/table-matcher'
import { ShipperError } from './errors.ts'
import type { Log, Metrics } from './shipper-metrics.ts'

export interface RuleDirectoryOptions {
  dir: string
  watch: boolean
  debounceMs: number
  log: Log
  metrics: Metrics
  /** The sources' physical tables, asked at every load (a table matching two rules refuses the set). */
  knownTables?: () => Promise<readonly KnownTable[]>
}

export async function openRuleDirectory(o: RuleDirectoryOptions): Promise<RuleDirectory> {
  const { dir, log, metrics } = o
  let rules: RuleDirectory
  try {
    rules = await watchRuleDirectory({
      dir,
      watch: o.watch,
      debounceMs: o.debounceMs,
      ...(o.knownTables ? { knownTables: o.knownTables } : {}),
      matcher: {
        logger: {
          warn: (fields, message) => log.warn(message, { rulesDir: dir, ...fields }),
          debug: (fields, message) => log.debug(message, { rulesDir: dir, ...fields }),
        },
        metrics: { increment: (name, labels, value) => metrics.increment(name, value ?? 1, labels) },
      },
      onReload(result) {
        if (result.ok) {
          metrics.increment('shipper_rule_reloads', 1, { result: 'ok' })
          log.info('rules reloaded', { rulesDir: dir, reason: result.reason, rules: result.rules })
          return
        }
        const err = result.error as { code?: string; file?: string; table?: string; message?: string }
        metrics.increment('shipper_rule_reloads', 1, { result: 'rejected' })
        log.error('new rule set rejected; the previous rules stay in use', {
          rulesDir: dir,
          reason: result.reason,
          code: err.code,
          file: err.file,
          table: err.table,
          error: err.message,
        })
      },
      onKnownTablesError: (err, reason) =>
        log.warn(
          'source tables cannot be listed; overlapping rules are checked against tables already seen',
          {
            rulesDir: dir,
            reason,
            error: (err as Error).message,
          },
        ),
      onWatchError: (err) =>
        log.warn('rule directory cannot be watched; use SIGHUP to reload', {
          rulesDir: dir,
          error: (err as Error).message,
        }),
    })
  } catch (err) {
    throw new ShipperError('SHIP_RULES', `rules in ${dir} cannot be loaded: ${(err as Error).message}`, {
      cause: err,
      retriable: false,
    })
  }
  const set = rules.ruleSet()
  log.info('rules loaded', { rulesDir: dir, rules: set.rules.length, files: set.files.length })
  return rules
}
