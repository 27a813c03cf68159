// `gen`: from information_schema (and rules) to the files a table needs: StarRocks DDL,
// the sinker's table settings, the stream rule and the seed's legacy Kafka Connect and
// DataX files.
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

/**
 * Builds the Stream Load `columns` and `jsonpaths` headers for the sinker file (streamload-client's
 * `buildColumnsHeader` / `buildJsonPaths` with `{ withOp: true }`): the sinker must send exactly
 * what its own client builds, so the caller passes the client's builders in.
 */
export interface StreamLoadHeaderBuilder {
  columns(columns: readonly string[]): string
  jsonpaths(columns: readonly string[]): string
}

export interface DdlOptions extends TypeOptions {
  starRocksDatabase?: string
  buckets?: number
  properties?: Record<string, string>
  declaredKey?: readonly string[]
  /** Headers written into `<table>.sinker.json`. */
  streamLoadHeaders: StreamLoadHeaderBuilder
}

export interface TableGenOptions extends DdlOptions {
  database: string
  table: string
  target: string
  streamTopic: string
  batchTopic: string
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

/** What the sinker needs per target table: topics, columns and the Stream Load headers. */
export function sinkerFile(schema: TargetSchema, options: DdlOptions): GeneratedFile {
  const columns = schema.columns.map((c) => c.name)
  const settings = {
    table: schema.table,
    ...(options.starRocksDatabase ? { database: options.starRocksDatabase } : {}),
    topics: schema.topics,
    primaryKey: schema.keyColumns,
    columns,
    streamLoad: {
      columns: options.streamLoadHeaders.columns(columns),
      jsonpaths: options.streamLoadHeaders.jsonpaths(columns),
    },
  }
  return {
    file: `${schema.table}.sinker.json`,
    kind: 'sinker',
    content: `${JSON.stringify(settings, null, 2)}\n`,
  }
}

export async function generateForTable(conn: QueryRunner, o: TableGenOptions): Promise<GenResult> {
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
    batchTopic: o.batchTopic,
    streamTopic: o.streamTopic,
    targetTable: o.target,
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
  const schema = { ...buildTargetSchema([{ plan, columns, comment }], o), table: o.target }
  return {
    files: [
      ddlFile(schema, o),
      sinkerFile(schema, o),
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
    files.push(ddlFile(schema, o), sinkerFile(schema, o))
  }
  return { files, schemas, warnings: schemas.flatMap((s) => s.warnings) }
}
