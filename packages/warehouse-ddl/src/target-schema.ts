// One StarRocks target table from the physical tables (shards) a rule merges into it:
// target column names come from the rule's plan (table-matcher), types from the source
// columns, and the key from the source primary key composed by the rule. When shards merge,
// the table-name / database / capture-group columns join the key, so equal source keys of
// two shards stay two rows.
import type { TablePlan } from '@sync/table-matcher'
import { WarehouseDdlError } from './errors.ts'
import type { DdlColumn } from './starrocks-ddl.ts'
import { type SourceColumn, starRocksType, type TypeOptions } from './starrocks-types.ts'

export interface Shard {
  plan: TablePlan
  columns: readonly SourceColumn[]
  comment?: string
}

export interface TargetColumn extends DdlColumn {
  /** Source column name per shard (`db.table` → name); absent for constant columns. */
  sources: Record<string, string>
  /** information_schema DATA_TYPE of the first shard's source column ('' for constants). */
  dataType: string
}

export interface TargetSchema {
  table: string
  /** Stream topics of the shards (the rules' `topic`). */
  topics: string[]
  /** Snapshot batch topics of the shards: the rule's batch topic, else `<stream topic><suffix>`. */
  batchTopics: string[]
  columns: TargetColumn[]
  keyColumns: string[]
  comment: string
  warnings: string[]
}

/** Length of a VARCHAR(n) type, for widening. */
const varcharLength = (type: string) => {
  const m = /^VARCHAR\((\d+)\)$/.exec(type)
  return m ? Number(m[1]) : undefined
}

// StarRocks Primary Key tables accept these key column types.
const keyTypes = /^(BOOLEAN|TINYINT|SMALLINT|INT|BIGINT|LARGEINT|DATE|DATETIME|VARCHAR\(\d+\)|STRING)$/

const constantColumnType = 'VARCHAR(256)' // 64-character MySQL identifiers, 4 bytes each

export function mapShard(shard: Shard): { plan: TablePlan; pairs: Map<string, string> } {
  const { plan, columns } = shard
  const sourceKey = columns
    .filter((c) => c.primaryKey)
    .sort((a, b) => (a.keyIndex ?? 0) - (b.keyIndex ?? 0))
    .map((c) => c.name)
  // table-matcher auto-maps columns on first sight; one all-null row shows it every column
  plan.mapRow(Object.fromEntries(columns.map((c) => [c.name, null])))
  const keyed = sourceKey.length > 0 ? plan.withSourceKey(sourceKey) : plan
  return { plan: keyed, pairs: new Map(plan.columns.map((p) => [p.source, p.target])) }
}

/** Suffix of a snapshot batch topic, `<stream topic><suffix>`: snapshot-loader's default. */
export const defaultBatchTopicSuffix = '_batch'

export interface TargetSchemaOptions extends TypeOptions {
  declaredKey?: readonly string[]
  merged?: boolean
  /** Batch topic of a rule without one: `<stream topic><suffix>` (default `_batch`). */
  batchTopicSuffix?: string
}

export function buildTargetSchema(shards: readonly Shard[], options: TargetSchemaOptions): TargetSchema {
  if (shards.length === 0) throw new WarehouseDdlError('WDDL_NOT_FOUND', 'no physical table matches')
  const warnings: string[] = []
  const byName = new Map<string, TargetColumn>()
  const order: string[] = []
  let keyColumns: string[] | undefined
  const table = shards[0]!.plan.target.table
  const topics = new Set<string>()
  const batchTopics = new Set<string>()
  const suffix = options.batchTopicSuffix ?? defaultBatchTopicSuffix
  for (const shard of shards) {
    const where = `${shard.plan.database}.${shard.plan.table}`
    const { plan, pairs } = mapShard(shard)
    topics.add(plan.target.topic)
    batchTopics.add(plan.target.batchTopic ?? `${plan.target.topic}${suffix}`)
    for (const name of Object.keys(plan.extraColumns)) {
      if (!byName.has(name)) {
        byName.set(name, { name, type: constantColumnType, sources: {}, dataType: '' })
        order.push(name)
      }
    }
    for (const col of shard.columns) {
      const target = pairs.get(col.name)
      if (target === undefined) continue // dropped or excluded by the rule
      const mapped = starRocksType(col, options)
      if ('skip' in mapped) {
        warnings.push(`${where}.${col.name}: ${mapped.skip}`)
        continue
      }
      if (mapped.note) warnings.push(`${where}.${col.name}: ${mapped.note}`)
      const prev = byName.get(target)
      if (prev === undefined) {
        byName.set(target, {
          name: target,
          type: mapped.type,
          ...(col.comment ? { comment: col.comment } : {}),
          sources: { [where]: col.name },
          dataType: col.dataType,
        })
        order.push(target)
        continue
      }
      prev.sources[where] = col.name
      if (prev.type !== mapped.type) {
        const a = varcharLength(prev.type)
        const b = varcharLength(mapped.type)
        if (a !== undefined && b !== undefined) prev.type = `VARCHAR(${Math.max(a, b)})`
        else if (prev.type === 'STRING' && b !== undefined) continue
        else if (mapped.type === 'STRING' && a !== undefined) prev.type = 'STRING'
        else
          warnings.push(
            `${table}.${target}: ${where} has ${mapped.type}, other shards ${prev.type}; keeping ${prev.type}`,
          )
      }
    }
    const shardKey = [...(options.declaredKey ?? plan.keyColumns)]
    if (keyColumns === undefined) keyColumns = shardKey
    else if (keyColumns.join(',') !== shardKey.join(',')) {
      throw new WarehouseDdlError(
        'WDDL_INPUT',
        `shards of ${table} disagree on the key: ${keyColumns.join(',')} vs ${shardKey.join(',')} (${where})`,
      )
    }
  }
  let key = keyColumns ?? []
  const extras = Object.keys(shards[0]!.plan.extraColumns)
  if (options.merged || shards.length > 1) {
    if (extras.length === 0) {
      warnings.push(
        `${table}: ${shards.length} shards merge without a table-name or capture column; equal keys of different shards overwrite each other (set need_table, or primary_key.compose in the rule)`,
      )
    }
    key = [...extras.filter((e) => !key.includes(e)), ...key]
  }
  if (key.length === 0) {
    throw new WarehouseDdlError(
      'WDDL_INPUT',
      `${table}: no primary key (the source table has none and the rule declares none); pass --key col[,col]`,
    )
  }
  for (const k of key) {
    const col = byName.get(k)
    if (col === undefined)
      throw new WarehouseDdlError('WDDL_INPUT', `${table}: key column ${k} is not a column of the target`)
    if (!keyTypes.test(col.type))
      warnings.push(`${table}.${k}: ${col.type} is not allowed in a StarRocks primary key`)
  }
  const comment = shards.find((s) => s.comment)?.comment ?? ''
  return {
    table,
    topics: [...topics],
    batchTopics: [...batchTopics],
    columns: order.map((n) => byName.get(n)!),
    keyColumns: key,
    comment,
    warnings,
  }
}
