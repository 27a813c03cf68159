// A rule directory and the matcher built from it. Reloaded when a file changes (fs.watch,
// debounced) or when asked (SIGHUP); a rule set that fails to load or validate is logged
// and rejected, and the matcher keeps the previous one.

import { type FSWatcher, watch } from 'node:fs'
import {
  createTableMatcher,
  type KnownTable,
  loadRuleDirectory,
  type RuleSetOptions,
  type TableMatcher,
} from '@sync/table-matcher'
import { ShipperError } from './errors.ts'
import type { Log, Metrics } from './shipper-metrics.ts'

export interface RuleSource {
  readonly dir: string
  readonly matcher: TableMatcher
  /** Loads the directory again; resolves true when the new set is in use. */
  reload(reason: string): Promise<boolean>
  /** Called after every successful reload. */
  onReload(listener: () => void): void
  close(): void
}

export interface RuleSourceOptions {
  dir: string
  watch: boolean
  debounceMs: number
  log: Log
  metrics: Metrics
  /**
   * The sources' physical tables, asked at every load: a set under which one of them matches
   * two rules is refused then (at start: the shipper does not start), not at its first row.
   */
  knownTables?: () => Promise<readonly KnownTable[]>
}

export async function createRuleSource(o: RuleSourceOptions): Promise<RuleSource> {
  const { dir, log, metrics } = o
  const loadOptions = async (reason: string): Promise<RuleSetOptions> => {
    if (o.knownTables === undefined) return {}
    try {
      return { knownTables: await o.knownTables() }
    } catch (err) {
      // the matcher still refuses a set that makes a table it has already met ambiguous
      log.warn('source tables cannot be listed; overlapping rules are checked against tables already seen', {
        rulesDir: dir,
        reason,
        error: (err as Error).message,
      })
      return {}
    }
  }
  let set: Awaited<ReturnType<typeof loadRuleDirectory>>
  try {
    set = await loadRuleDirectory(dir, await loadOptions('start'))
  } catch (err) {
    throw new ShipperError('SHIP_RULES', `rules in ${dir} cannot be loaded: ${(err as Error).message}`, {
      cause: err,
      retriable: false,
    })
  }
  const matcher = createTableMatcher(set, {
    logger: {
      warn: (fields, message) => log.warn(message, { rulesDir: dir, ...fields }),
      debug: (fields, message) => log.debug(message, { rulesDir: dir, ...fields }),
    },
    metrics: { increment: (name, labels, value) => metrics.increment(name, value ?? 1, labels) },
  })
  log.info('rules loaded', { rulesDir: dir, rules: set.rules.length, files: set.files.length })
  const listeners: Array<() => void> = []
  let running: Promise<boolean> | undefined
  let again = false

  const reloadOnce = async (reason: string): Promise<boolean> => {
    try {
      const next = await loadRuleDirectory(dir, await loadOptions(reason))
      matcher.replaceRules(next)
      metrics.increment('shipper_rule_reloads', 1, { result: 'ok' })
      log.info('rules reloaded', { rulesDir: dir, reason, rules: next.rules.length })
      for (const l of listeners) l()
      return true
    } catch (err) {
      metrics.increment('shipper_rule_reloads', 1, { result: 'rejected' })
      log.error('new rule set rejected; the previous rules stay in use', {
        rulesDir: dir,
        reason,
        code: (err as { code?: string }).code,
        file: (err as { file?: string }).file,
        table: (err as { table?: string }).table,
        error: (err as Error).message,
      })
      return false
    }
  }

  const reload = async (reason: string): Promise<boolean> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      let ok = await reloadOnce(reason)
      while (again) {
        again = false
        ok = await reloadOnce(`${reason} (changed again)`)
      }
      return ok
    })().finally(() => {
      running = undefined
    })
    return running
  }

  let watcher: FSWatcher | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  if (o.watch) {
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file !== null && !String(file).endsWith('.json')) return
        if (timer) clearTimeout(timer)
        timer = setTimeout(() => void reload('file change'), o.debounceMs)
      })
      watcher.on('error', (err) =>
        log.warn('rule directory watch failed; use SIGHUP to reload', { rulesDir: dir, error: err.message }),
      )
    } catch (err) {
      log.warn('rule directory cannot be watched; use SIGHUP to reload', {
        rulesDir: dir,
        error: (err as Error).message,
      })
    }
  }

  return {
    dir,
    matcher,
    reload,
    onReload: (l) => void listeners.push(l),
    close() {
      if (timer) clearTimeout(timer)
      watcher?.close()
    },
  }
}
