import { TableMatcherError } from './errors.ts'
import { checkOptions } from './options.ts'
import { resolveTable } from './resolve.ts'
import type { Rule, RuleSet } from './rule.ts'
import { isRuleSet } from './rule-set.ts'
import { createTablePlan, type TablePlan, type UnmappedColumnEvent } from './table-plan.ts'

/** Pino-style logger; only `warn` and `debug` are used. */
export interface TableMatcherLogger {
  warn(fields: Record<string, unknown>, message: string): void
  debug?(fields: Record<string, unknown>, message: string): void
}

/** Counter sink; names are listed in the README. */
export interface TableMatcherMetrics {
  increment(name: string, labels?: Record<string, string>, value?: number): void
}

export interface TableMatcherOptions {
  logger?: TableMatcherLogger
  metrics?: TableMatcherMetrics
  /** Compile row projections with `new Function` (default true); false uses a plain loop. */
  codegen?: boolean
}

export interface TableMatcher {
  /** The plan of a physical table, or undefined when no rule captures it; throws TM_AMBIGUOUS. */
  match(db: string, table: string): TablePlan | undefined
  /**
   * Swaps in a validated rule set atomically; plans are recompiled lazily on first use. A set
   * under which a table already seen would match two rules throws TM_AMBIGUOUS and changes
   * nothing.
   */
  replaceRules(ruleSet: RuleSet): void
  rules(): readonly Rule[]
  /** Every column seen without an explicit mapping, once per rule, table and column. */
  unmappedColumns(): readonly UnmappedColumnEvent[]
}

type Entry = TablePlan | null | TableMatcherError
interface State {
  readonly set: RuleSet
  /** db → table → plan, or null when no rule captures the table. Errors live apart, off the hot path. */
  readonly cache: Map<string, Map<string, TablePlan | null>>
  readonly errors: Map<string, TableMatcherError>
}

const noopLogger: TableMatcherLogger = { warn() {} }
const noopMetrics: TableMatcherMetrics = { increment() {} }

export function createTableMatcher(ruleSet: RuleSet, options: TableMatcherOptions = {}): TableMatcher {
  checkOptions('createTableMatcher', options, ['logger', 'metrics', 'codegen'])
  const checkSet = (value: unknown, name: string) => {
    if (!isRuleSet(value)) {
      throw new TableMatcherError('TM_OPTIONS', `${name} must come from parseRuleSet or loadRuleDirectory`)
    }
  }
  checkSet(ruleSet, 'ruleSet')
  if (options.codegen !== undefined && typeof options.codegen !== 'boolean') {
    throw new TableMatcherError(
      'TM_OPTIONS',
      `options.codegen must be a boolean, received ${JSON.stringify(options.codegen)}`,
    )
  }
  const logger = options.logger ?? noopLogger
  const metrics = options.metrics ?? noopMetrics
  const seen = new Map<string, UnmappedColumnEvent>()
  const env = {
    codegen: options.codegen ?? true,
    report(event: UnmappedColumnEvent) {
      const key = `${event.rule}\u0000${event.database}\u0000${event.table}\u0000${event.column}`
      if (seen.has(key)) return
      seen.set(key, event)
      metrics.increment('table_matcher_unmapped_columns_total', { rule: event.rule, action: event.action })
      const fields = { ...event }
      const message = `column ${event.column} of ${event.database}.${event.table} has no explicit mapping: ${event.action.replace('_', ' ')}`
      if (event.explicitMapping || event.action === 'rejected') logger.warn(fields, message)
      else logger.debug?.(fields, message)
    },
  }
  let state: State = { set: ruleSet, cache: new Map(), errors: new Map() }

  const slowMatch = (current: State, db: string, table: string): TablePlan | undefined => {
    const errorKey = `${db}\u0000${table}`
    let entry: Entry | undefined = current.errors.get(errorKey)
    if (entry === undefined) {
      entry = compute(current, db, table)
      if (entry instanceof TableMatcherError) current.errors.set(errorKey, entry)
      else {
        let byTable = current.cache.get(db)
        if (byTable === undefined) {
          byTable = new Map()
          current.cache.set(db, byTable)
        }
        byTable.set(table, entry)
      }
    }
    if (entry instanceof TableMatcherError) throw entry
    return entry ?? undefined
  }

  const compute = (current: State, db: string, table: string): Entry => {
    try {
      const found = resolveTable(current.set, db, table)
      if (found === undefined) return null
      metrics.increment('table_matcher_plans_compiled_total')
      return createTablePlan(found, db, table, env)
    } catch (err) {
      if (!(err instanceof TableMatcherError)) throw err
      metrics.increment('table_matcher_match_errors_total', { code: err.code })
      logger.warn({ code: err.code, database: db, table, rules: err.rules }, err.message)
      return err
    }
  }

  return {
    match(db, table) {
      const current = state
      const entry = current.cache.get(db)?.get(table)
      if (entry !== undefined) return entry ?? undefined
      return slowMatch(current, db, table)
    },
    replaceRules(next) {
      checkSet(next, 'replaceRules(ruleSet)')
      // every table already seen must still resolve to at most one rule: a set that would
      // make a live table ambiguous is refused whole and the current one stays
      const check = (db: string, table: string) => {
        try {
          resolveTable(next, db, table)
        } catch (err) {
          if (err instanceof TableMatcherError && err.code === 'TM_AMBIGUOUS') {
            metrics.increment('table_matcher_rule_reloads_rejected_total')
            throw err
          }
          // other errors belong to the table's own plan, reported when it is matched
        }
      }
      for (const [db, byTable] of state.cache) for (const table of byTable.keys()) check(db, table)
      for (const key of state.errors.keys()) {
        const at = key.indexOf('\u0000')
        check(key.slice(0, at), key.slice(at + 1))
      }
      state = { set: next, cache: new Map(), errors: new Map() }
      metrics.increment('table_matcher_rule_reloads_total')
    },
    rules: () => state.set.rules,
    unmappedColumns: () => [...seen.values()],
  }
}
