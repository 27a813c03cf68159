import { TableMatcherError } from './errors.ts'
import type { ColumnPair, KeyCompose, Rule } from './rule.ts'

/** Names no rule may produce: the change kind column, and a key that would rewrite an object's prototype. */
export const reservedTargets: readonly string[] = ['__op', '__proto__']

export const defaultTableNameColumn = 'table_name'
export const defaultDatabaseColumn = 'db_name'

/** The columns a rule adds to every row, in output order. */
export function extraColumnNames(
  rule: Pick<Rule, 'databaseColumn' | 'tableNameColumn' | 'captureColumns' | 'captureNames'>,
) {
  const out: string[] = []
  if (rule.databaseColumn !== undefined) out.push(rule.databaseColumn)
  if (rule.tableNameColumn !== undefined) out.push(rule.tableNameColumn)
  if (rule.captureColumns) out.push(...rule.captureNames)
  return out
}

/** Full target key: composition prefix, then the declared key columns. */
export function composeKey(
  rule: Pick<Rule, 'databaseColumn' | 'tableNameColumn' | 'captureNames' | 'keyCompose'>,
  columns: readonly string[],
): string[] {
  const prefix: string[] = []
  const compose: KeyCompose = rule.keyCompose
  if (compose === 'db_table' && rule.databaseColumn !== undefined) prefix.push(rule.databaseColumn)
  if ((compose === 'db_table' || compose === 'table') && rule.tableNameColumn !== undefined) {
    prefix.push(rule.tableNameColumn)
  }
  if (compose === 'captures') prefix.push(...rule.captureNames)
  return [...prefix, ...columns.filter((c) => !prefix.includes(c))]
}

/**
 * Load-time column checks shared by both formats: reserved names, two sources for one
 * target, a mapped column that is also excluded, key columns the rule never produces.
 */
export function checkRuleColumns(rule: Rule, columnsField: string, keyField: string): void {
  const where = (field: string, column?: string) => ({
    file: rule.file,
    field,
    rules: [rule.name],
    ...(column === undefined ? {} : { column }),
  })
  const owner = new Map<string, string>()
  const claim = (target: string, by: string, field: string) => {
    if (reservedTargets.includes(target)) {
      throw new TableMatcherError(
        'TM_BAD_FIELD',
        `target column "${target}" is reserved`,
        where(field, target),
      )
    }
    const previous = owner.get(target)
    if (previous !== undefined) {
      throw new TableMatcherError(
        'TM_COLUMN_CONFLICT',
        `${previous} and ${by} both map to target column "${target}"`,
        where(field, target),
      )
    }
    owner.set(target, by)
  }
  for (const extra of extraColumnNames(rule)) claim(extra, `the extra column "${extra}"`, columnsField)
  for (const pair of rule.columns) {
    claim(pair.target, `source column "${pair.source}"`, `${columnsField}.${pair.source}`)
    if (rule.excludeColumns.includes(pair.source)) {
      throw new TableMatcherError(
        'TM_BAD_FIELD',
        `column "${pair.source}" is both mapped and excluded`,
        where(columnsField, pair.source),
      )
    }
  }
  if (rule.unmapped === 'snake_case') return
  for (const key of composeKey(rule, rule.keyColumns)) {
    if (!owner.has(key)) {
      throw new TableMatcherError(
        'TM_BAD_FIELD',
        `key column "${key}" is not produced by this rule (policy "${rule.unmapped}" keeps only mapped columns)`,
        where(keyField, key),
      )
    }
  }
}

/** Default key of a rule that declares none: `id` when some column maps to it. */
export function inferKeyColumns(columns: readonly ColumnPair[]): string[] {
  return columns.some((c) => c.target === 'id') ? ['id'] : []
}
