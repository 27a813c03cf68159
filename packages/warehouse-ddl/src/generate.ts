// `gen`: from information_schema (and rules) to the files a table needs: StarRocks DDL,
// the sinker's table settings, the stream rule and the seed's legacy Kafka Connect and
// DataX files; and the naming policy for a table the caller names nothing of.
import type { QueryRunner } from '@sync/binlog-reader'
import { createTableMatcher, parseRuleSet, type RuleSet, toSnakeCase } from '@sync/table-matcher'
import { WarehouseDdlError } from './errors.ts'
import { readColumns, tableComment } from './information-schema.ts'
import {
  batchConnector,
  dataxJob,
  dataxShell,
  type GeneratedFile,
  type LegacyInput,
  seedRuleFile,
  streamConnector,
} from './legacy-configs.ts'
import { matchShards } from './shards.ts'
import { renderCreateTable } from './starrocks-ddl.ts'
import type { TypeOptions } from './starrocks-types.ts'
import { buildTargetSchema, type Shard, type TargetSchema } from './target-schema.ts'

/** gen's naming policy for one table: the names a caller does not give. */
export const defaultTableNames = {
  /** The StarRocks table of source table `table`. */
  target: (table: string) => `ods_${table}`,
  /** The stream topic (the generated rule's `topic`) of target table `target`. */
  streamTopic: (target: string) => `sync_stream.${target}`,
  /** The topic of the legacy DataX job and batch connector of source table `table`. */
  batchTopic: (table: string) => `sync_batch.${table}`,
} as const

export interface DdlOptions extends TypeOptions {
  starRocksDatabase?: string
  buckets?: number
  properties?: Record<string, string>
  declaredKey?: readonly string[]
  /**
   * Snapshot batch topic of a rule without one, `<stream topic><suffix>`, for the sinker
   * settings (default `_batch`, as snapshot-loader's `batchTopicSuffix`).
   */
  batchTopicSuffix?: string
}

export interface TableGenOptions extends DdlOptions {
  database: string
  table: string
  /** StarRocks table (default `defaultTableNames.target(table)`: `ods_<table>`). */
  target?: string
  /** Stream topic (default `defaultTableNames.streamTopic(target)`: `sync_stream.<target>`). */
  streamTopic?: string
  /** Legacy DataX / batch connector topic (default `sync_batch.<table>`). */
  batchTopic?: string
  snakeCase: 'legacy' | 'modern'
  mysqlHost: string
  mysqlPort: number
  legacy: Omit<
    LegacyInput,
    | 'database'
    | 'table'
    | 'batchTopic'
    | 'streamTopic'
    | 'targetTable'
    | 'mysqlHost'
    | 'mysqlPort'
    | 'columns'
  >
}

export interface GenResult {
  files: GeneratedFile[]
  schemas: TargetSchema[]
  warnings: string[]
}

export function ddlFile(schema: TargetSchema, options: DdlOptions): GeneratedFile {
  const content = renderCreateTable({
    ...(options.starRocksDatabase ? { database: options.starRocksDatabase } : {}),
    table: schema.table,
    columns: schema.columns,
    keyColumns: schema.keyColumns,
    ...(schema.comment ? { comment: schema.comment } : {}),
    ...(options.buckets ? { buckets: options.buckets } : {}),
    ...(options.properties ? { properties: options.properties } : {}),
  })
  return { file: `${schema.table}_create_table.sql`, kind: 'ddl', content: `${content}\n` }
}

/**
 * The sinker's settings of one target table, as a fragment of the sinker's configuration
 * (apps/sinker `config.ts`) to merge into it: the table's stream and snapshot batch topics
 * (to append to `kafka.topics`), each mapped to the table in `topicToTable` (the sinker finds a
 * table's batch topics through that map), and the load columns in `tables.<table>.columns`.
 * The table is loaded into the sinker's `target.database`.
 */
export interface SinkerFragment {
  kafka: { topics: string[] }
  topicToTable: Record<string, string>
  tables: Record<string, { columns: string[] }>
}

export function sinkerFragment(schema: TargetSchema): SinkerFragment {
  const topics = [...new Set([...schema.topics, ...schema.batchTopics])]
  return {
    kafka: { topics },
    topicToTable: Object.fromEntries(topics.map((t) => [t, schema.table])),
    tables: { [schema.table]: { columns: schema.columns.map((c) => c.name) } },
  }
}

/** `<table>.sinker.json`: the sinker fragment of one target table. */
export function sinkerFile(schema: TargetSchema): GeneratedFile {
  return {
    file: `${schema.table}.sinker.json`,
    kind: 'sinker',
    content: `${JSON.stringify(sinkerFragment(schema), null, 2)}\n`,
  }
}

export async function generateForTable(conn: QueryRunner, o: TableGenOptions): Promise<GenResult> {
  const target = o.target ?? defaultTableNames.target(o.table)
  const streamTopic = o.streamTopic ?? defaultTableNames.streamTopic(target)
  const batchTopic = o.batchTopic ?? defaultTableNames.batchTopic(o.table)
  const columns = await readColumns(conn, o.database, o.table)
  const comment = await tableComment(conn, o.database, o.table)
  const legacyColumns = columns.map((c) => ({
    source: c.name,
    target: toSnakeCase(c.name, { legacy: o.snakeCase === 'legacy' }),
    dataType: c.dataType,
  }))
  const legacy: LegacyInput = {
    ...o.legacy,
    database: o.database,
    table: o.table,
    batchTopic,
    streamTopic,
    targetTable: target,
    mysqlHost: o.mysqlHost,
    mysqlPort: o.mysqlPort,
    columns: legacyColumns,
  }
  const rule = seedRuleFile(legacy)
  // the generated rule drives the DDL's names, exactly as the shipper will apply it
  const ruleSet = parseRuleSet([{ file: rule.file, text: rule.content }])
  const plan = createTableMatcher(ruleSet).match(o.database, o.table)
  if (plan === undefined)
    throw new WarehouseDdlError('WDDL_INPUT', `the generated rule does not match ${o.database}.${o.table}`)
  const schema = { ...buildTargetSchema([{ plan, columns, comment }], o), table: target }
  return {
    files: [
      ddlFile(schema, o),
      sinkerFile(schema),
      rule,
      batchConnector(legacy),
      dataxJob(legacy),
      dataxShell(legacy),
      streamConnector(legacy),
    ],
    schemas: [schema],
    warnings: schema.warnings,
  }
}

export interface RulesGenOptions extends DdlOptions {
  /** Only this rule (by name); all rules when undefined. */
  rule?: string
  /** Source databases to scan; all non-system databases when empty. */
  databases: readonly string[]
}

export async function generateForRules(
  conn: QueryRunner,
  ruleSet: RuleSet,
  o: RulesGenOptions,
): Promise<GenResult> {
  const byRule = await matchShards(conn, ruleSet, o)
  const files: GeneratedFile[] = []
  const schemas: TargetSchema[] = []
  for (const [name, plans] of byRule) {
    const shards: Shard[] = []
    for (const plan of plans) {
      shards.push({
        plan,
        columns: await readColumns(conn, plan.database, plan.table),
        comment: await tableComment(conn, plan.database, plan.table),
      })
    }
    const rule = ruleSet.rules.find((r) => r.name === name)!
    const merged = rule.exact.length === 0 || shards.length > 1
    const schema = buildTargetSchema(shards, { ...o, merged })
    schemas.push(schema)
    files.push(ddlFile(schema, o), sinkerFile(schema))
  }
  return { files, schemas, warnings: schemas.flatMap((s) => s.warnings) }
}
