// A rule directory kept loaded: one matcher built from it, reloaded when a `*.json` file
// changes (fs.watch, debounced) or when asked (a SIGHUP handler). Reloads never overlap:
// one asked while another runs makes exactly one more afterwards, so a burst of changes
// ends with the directory's last state. A set that fails to load or to validate (bad file,
// or a known table matching two rules) is rejected whole and the matcher keeps the old one.

import { type FSWatcher, watch } from 'node:fs'
import { TableMatcherError } from './errors.ts'
import { loadRuleDirectory } from './load-rule-directory.ts'
import { checkOptions } from './options.ts'
import type { RuleSet } from './rule.ts'
import type { KnownTable, RuleSetOptions } from './rule-set.ts'
import { createTableMatcher, type TableMatcher, type TableMatcherOptions } from './table-matcher.ts'

export type ReloadResult =
  | { ok: true; reason: string; rules: number; files: readonly string[] }
  | { ok: false; reason: string; error: unknown }

export interface WatchRuleDirectoryOptions {
  dir: string
  /** Reload when a `*.json` file of the directory changes. Default true. */
  watch?: boolean
  /** Quiet time after the last change before reloading, ms. Default 300. */
  debounceMs?: number
  /** Parsing options of every load (anchoring, default topics). */
  ruleSet?: Omit<RuleSetOptions, 'knownTables'>
  /**
   * The physical tables that exist now, asked at every load: a set under which one of them
   * matches two rules is refused (TM_AMBIGUOUS) at load, not at the table's first row.
   */
  knownTables?: () => Promise<ReadonlyArray<string | KnownTable>>
  /** Options of the matcher built from the first set (logger, metrics, codegen). */
  matcher?: TableMatcherOptions
  /** After every reload attempt, in order. */
  onReload?(result: ReloadResult): void
  /** `knownTables()` failed: the load goes on, checking only tables the matcher has met. */
  onKnownTablesError?(error: unknown, reason: string): void
  /** The directory cannot be watched (or the watch broke): reloads then need `reload()`. */
  onWatchError?(error: unknown): void
}

export interface RuleDirectory {
  readonly dir: string
  readonly matcher: TableMatcher
  /** The set in use. */
  ruleSet(): RuleSet
  /** Loads the directory again; resolves true when the new set is in use. */
  reload(reason: string): Promise<boolean>
  /** Called after every reload that put a new set in use. */
  onReload(listener: () => void): void
  close(): void
}

const optionKeys = [
  'dir',
  'watch',
  'debounceMs',
  'ruleSet',
  'knownTables',
  'matcher',
  'onReload',
  'onKnownTablesError',
  'onWatchError',
]

/**
 * Loads `dir` (throwing the loader's TableMatcherError when the first set is bad) and keeps
 * it loaded. The first load asks `knownTables` too: a rule set that is ambiguous for a
 * table that exists never starts.
 */
export async function watchRuleDirectory(options: WatchRuleDirectoryOptions): Promise<RuleDirectory> {
  checkOptions('watchRuleDirectory', options, optionKeys)
  const { dir } = options
  if (typeof dir !== 'string' || dir === '') {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `options.dir must be a directory path, received ${JSON.stringify(dir)}`,
    )
  }
  const debounceMs = options.debounceMs ?? 300
  if (!Number.isInteger(debounceMs) || debounceMs < 0) {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `options.debounceMs must be an integer >= 0, received ${JSON.stringify(options.debounceMs)}`,
    )
  }

  const loadOptions = async (reason: string): Promise<RuleSetOptions> => {
    const base = { ...options.ruleSet }
    if (options.knownTables === undefined) return base
    try {
      return { ...base, knownTables: await options.knownTables() }
    } catch (err) {
      // the matcher still refuses a set that makes a table it has already met ambiguous
      options.onKnownTablesError?.(err, reason)
      return base
    }
  }

  let current = await loadRuleDirectory(dir, await loadOptions('start'))
  const matcher = createTableMatcher(current, options.matcher)
  const listeners: Array<() => void> = []
  let running: Promise<boolean> | undefined
  let again = false
  let closed = false

  const reloadOnce = async (reason: string): Promise<boolean> => {
    try {
      const next = await loadRuleDirectory(dir, await loadOptions(reason))
      matcher.replaceRules(next)
      current = next
    } catch (error) {
      options.onReload?.({ ok: false, reason, error })
      return false
    }
    options.onReload?.({ ok: true, reason, rules: current.rules.length, files: current.files })
    for (const listener of listeners) listener()
    return true
  }

  const reload = (reason: string): Promise<boolean> => {
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
  if (options.watch ?? true) {
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file !== null && !String(file).endsWith('.json')) return
        if (timer) clearTimeout(timer)
        timer = setTimeout(() => {
          timer = undefined
          if (!closed) void reload('file change')
        }, debounceMs)
      })
      watcher.on('error', (err) => options.onWatchError?.(err))
    } catch (err) {
      options.onWatchError?.(err)
    }
  }

  return {
    dir,
    matcher,
    ruleSet: () => current,
    reload,
    onReload: (listener) => void listeners.push(listener),
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      watcher?.close()
    },
  }
}
