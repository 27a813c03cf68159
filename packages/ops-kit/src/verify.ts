// `verify`: rows of every source shard against the StarRocks target, per logical table.
// Shards merged with table-name / capture columns are compared one by one (the target rows
// with that shard's constant values); otherwise the sum of the shards against the table.
// The optional checksum is over the primary-key values (order-independent sum of SHA-256
// prefixes), which both sides render the same way; it finds missing and extra rows whose
// counts happen to balance.
import { createHash } from 'node:crypto'
import type { QueryRunner } from '@sync/binlog-reader'
import type { RuleSet, TablePlan } from '@sync/table-matcher'
import { matchShards, primaryKey, quoteIdent } from '@sync/warehouse-ddl'

export interface ShardResult {
  target: string
  shard: string
  sourceRows: number
  /** null for a shard that cannot be told apart in the target (see the "(all shards)" row). */
  targetRows: number | null
  sourceChecksum?: string
  targetChecksum?: string
  ok: boolean
}

const ident = (db: string | undefined, table: string) =>
  db ? `${quoteIdent(db)}.${quoteIdent(table)}` : quoteIdent(table)

/** One key value as text both sides agree on: DATETIME(6) zeros trimmed, numbers as digits. */
export function normalizeKeyValue(v: unknown): string {
  if (v === null || v === undefined) return '\u0000null'
  const s = typeof v === 'string' ? v : String(v)
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$/.test(s) ? s.replace(/\.?0+$/, '') : s
}

const mod64 = 1n << 64n

export async function keyChecksum(conn: QueryRunner, sql: string, params: unknown[] = []): Promise<string> {
  const [rows] = await conn.query(sql, params)
  let sum = 0n
  for (const row of rows as Array<Record<string, unknown>>) {
    const text = Object.values(row).map(normalizeKeyValue).join('\u0001')
    sum = (sum + createHash('sha256').update(text).digest().readBigUInt64BE(0)) % mod64
  }
  return sum.toString(16).padStart(16, '0')
}

async function count(conn: QueryRunner, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await conn.query(sql, params)
  return Number((rows as Array<{ n: number | string }>)[0]?.n ?? 0)
}

export interface VerifyTargetOptions {
  source: QueryRunner
  target: QueryRunner
  targetDatabase?: string
  checksum: boolean
}

export async function verifyTarget(
  plans: readonly TablePlan[],
  o: VerifyTargetOptions,
): Promise<ShardResult[]> {
  const first = plans[0]!
  const table = ident(o.targetDatabase, first.target.table)
  const extras = Object.keys(first.extraColumns)
  const perShard = extras.length > 0
  const results: ShardResult[] = []
  let keyTargets: string[] = []
  for (const plan of plans) {
    const shard = `${plan.database}.${plan.table}`
    const src = ident(plan.database, plan.table)
    const sourceRows = await count(o.source, `SELECT COUNT(*) AS n FROM ${src}`)
    const where = perShard ? ` WHERE ${extras.map((e) => `${quoteIdent(e)} = ?`).join(' AND ')}` : ''
    const params = perShard ? extras.map((e) => plan.extraColumns[e]) : []
    const result: ShardResult = {
      target: first.target.table,
      shard,
      sourceRows,
      targetRows: perShard ? await count(o.target, `SELECT COUNT(*) AS n FROM ${table}${where}`, params) : 0,
      ok: true,
    }
    if (o.checksum) {
      const pk = await primaryKey(o.source, plan.database, plan.table)
      const keyed = pk.length > 0 ? plan.withSourceKey(pk) : plan
      const targets = keyed.keyColumns.filter((k) => !extras.includes(k))
      keyTargets = targets
      const sources = targets.map((t) => plan.columns.find((p) => p.target === t)?.source ?? t)
      result.sourceChecksum = await keyChecksum(
        o.source,
        `SELECT ${sources.map(quoteIdent).join(', ')} FROM ${src}`,
      )
      if (perShard) {
        result.targetChecksum = await keyChecksum(
          o.target,
          `SELECT ${targets.map(quoteIdent).join(', ')} FROM ${table}${where}`,
          params,
        )
      }
    }
    results.push(result)
  }
  if (!perShard) {
    // merged without distinguishing columns: compare the sum over the shards
    const total = await count(o.target, `SELECT COUNT(*) AS n FROM ${table}`)
    const sum = results.reduce((s, r) => s + r.sourceRows, 0)
    for (const r of results) r.targetRows = results.length === 1 ? total : null
    if (results.length > 1) {
      let s = 0n
      for (const r of results) s = (s + BigInt(`0x${r.sourceChecksum ?? '0'}`)) % mod64
      results.push({
        target: first.target.table,
        shard: '(all shards)',
        sourceRows: sum,
        targetRows: total,
        ...(o.checksum ? { sourceChecksum: s.toString(16).padStart(16, '0') } : {}),
        ok: true,
      })
    }
    if (o.checksum && keyTargets.length > 0) {
      results[results.length - 1]!.targetChecksum = await keyChecksum(
        o.target,
        `SELECT ${keyTargets.map(quoteIdent).join(', ')} FROM ${table}`,
      )
    }
  }
  for (const r of results) {
    if (r.targetRows === null) continue
    r.ok =
      r.sourceRows === r.targetRows &&
      (r.sourceChecksum === undefined ||
        r.targetChecksum === undefined ||
        r.sourceChecksum === r.targetChecksum)
  }
  return results
}

export interface VerifyRulesOptions extends VerifyTargetOptions {
  /** Only this rule (by name); every rule when undefined. */
  rule?: string
  /** Source databases to scan; every non-system database when empty. */
  databases: readonly string[]
}

/**
 * Every physical table the rules capture now (table-matcher decides), grouped by logical
 * target and compared with `verifyTarget`. Throws WDDL_NOT_FOUND when no table matches.
 */
export async function verifyRules(ruleSet: RuleSet, o: VerifyRulesOptions): Promise<ShardResult[]> {
  const byRule = await matchShards(o.source, ruleSet, {
    databases: o.databases,
    ...(o.rule === undefined ? {} : { rule: o.rule }),
  })
  const all: ShardResult[] = []
  for (const plans of byRule.values()) all.push(...(await verifyTarget(plans, o)))
  return all
}
