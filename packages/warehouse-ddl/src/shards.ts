// Physical tables of a source grouped by the rule that captures them (table-matcher decides).
import type { QueryRunner } from '@sync/binlog-reader'
import { createTableMatcher, type RuleSet, type TablePlan } from '@sync/table-matcher'
import { WarehouseDdlError } from './errors.ts'
import { listTables } from './information-schema.ts'

export interface ShardFilter {
  /** Only this rule; every rule when undefined. */
  rule?: string
  /** Source databases to scan; every non-system database when empty. */
  databases: readonly string[]
}

export async function matchShards(
  conn: QueryRunner,
  ruleSet: RuleSet,
  filter: ShardFilter,
): Promise<Map<string, TablePlan[]>> {
  const names = ruleSet.rules.map((r) => r.name)
  if (filter.rule !== undefined && !names.includes(filter.rule)) {
    throw new WarehouseDdlError(
      'WDDL_NOT_FOUND',
      `no rule named ${JSON.stringify(filter.rule)} (rules: ${names.join(', ')})`,
    )
  }
  const matcher = createTableMatcher(ruleSet)
  const byRule = new Map<string, TablePlan[]>()
  for (const t of await listTables(conn, filter.databases)) {
    const plan = matcher.match(t.database, t.table)
    if (plan === undefined || (filter.rule !== undefined && plan.rule !== filter.rule)) continue
    const plans = byRule.get(plan.rule) ?? []
    plans.push(plan)
    byRule.set(plan.rule, plans)
  }
  if (byRule.size === 0) {
    const where = filter.databases.join(', ') || 'the server'
    throw new WarehouseDdlError('WDDL_NOT_FOUND', `no table of ${where} matches ${filter.rule ?? 'any rule'}`)
  }
  return byRule
}
