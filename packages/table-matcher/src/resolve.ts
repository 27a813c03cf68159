import { TableMatcherError } from './errors.ts'
import type { Rule, RuleSet } from './rule.ts'
import { extraColumnNames, reservedTargets } from './rule-columns.ts'
import { type Captures, matchRulePatterns } from './rule-match.ts'
import { toSnakeCase } from './snake-case.ts'

export interface Resolution {
  readonly rule: Rule
  readonly captures: Captures
}

/**
 * The one rule a physical table belongs to: an exact `db.table` key first, else the single
 * pattern rule that accepts it. Two pattern rules accepting it is TM_AMBIGUOUS, never
 * first-wins.
 */
export function resolveTable(set: RuleSet, db: string, table: string): Resolution | undefined {
  const exact = set.exact.get(`${db}.${table}`)
  if (exact !== undefined) return { rule: exact, captures: matchRulePatterns(exact, db, table) ?? {} }
  let found: Resolution | undefined
  const qualified = `${db}.${table}`
  for (const rule of set.patterns) {
    const captures = matchRulePatterns(rule, db, table, qualified)
    if (captures === null) continue
    if (found !== undefined) throw ambiguous(found.rule, rule, db, table)
    found = { rule, captures }
  }
  return found
}

/** Every pattern rule accepting the table, ignoring exact keys (for load-time overlap checks). */
export function patternRulesFor(set: RuleSet, db: string, table: string): Rule[] {
  return set.patterns.filter((rule) => matchRulePatterns(rule, db, table) !== null)
}

export function ambiguous(x: Rule, y: Rule, db: string, table: string): TableMatcherError {
  const [a, b] = x.name < y.name ? [x, y] : [y, x]
  return new TableMatcherError(
    'TM_AMBIGUOUS',
    `table ${db}.${table} matches both rule "${a.name}" (${a.file}) and rule "${b.name}" (${b.file})`,
    { rules: [a.name, b.name], table: `${db}.${table}`, file: b.file },
  )
}

export type ColumnDecision =
  | { readonly kind: 'mapped'; readonly target: string; readonly explicit: boolean }
  | { readonly kind: 'excluded' }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'rejected'; readonly error: TableMatcherError }

/**
 * What happens to a source column of a table of `rule`, given the target names already taken
 * (`taken`: target → source). Auto-mapped names that collide are rejected, never overwritten.
 */
export function decideColumn(
  rule: Rule,
  column: string,
  taken: ReadonlyMap<string, string>,
  table: string,
): ColumnDecision {
  if (rule.excludeColumns.includes(column)) return { kind: 'excluded' }
  const explicit = rule.columns.find((c) => c.source === column)
  if (explicit !== undefined) return { kind: 'mapped', target: explicit.target, explicit: true }
  if (rule.unmapped === 'drop') return { kind: 'dropped' }
  const context = { rules: [rule.name], table, column, file: rule.file }
  if (rule.unmapped === 'error') {
    return {
      kind: 'rejected',
      error: new TableMatcherError(
        'TM_UNMAPPED_COLUMN',
        `column "${column}" of ${table} has no mapping in rule "${rule.name}"`,
        context,
      ),
    }
  }
  const target = toSnakeCase(column, { legacy: rule.snakeCase === 'legacy' })
  const owner = taken.get(target)
  const extra = extraColumnNames(rule).includes(target)
  if (owner !== undefined || extra || reservedTargets.includes(target) || target === '') {
    const by = owner !== undefined ? `source column "${owner}"` : 'an extra or reserved column'
    return {
      kind: 'rejected',
      error: new TableMatcherError(
        'TM_COLUMN_CONFLICT',
        `column "${column}" of ${table} would be auto-mapped to "${target}", already produced by ${by} (rule "${rule.name}")`,
        context,
      ),
    }
  }
  return { kind: 'mapped', target, explicit: false }
}
