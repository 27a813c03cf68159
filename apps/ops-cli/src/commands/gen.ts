import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadRuleDirectory } from '@sync/table-matcher'
import { type DdlOptions, type GenResult, generateForRules, generateForTable } from '@sync/warehouse-ddl'
import type { Command } from '../cli/command.ts'
import { bool, int, list, oneOf, str } from '../cli/flags.ts'
import { groups, mysqlGroup, rulesGroup } from '../cli/option-groups.ts'
import { loadSettings, mysqlEndpoint, rulesDirectory } from '../config.ts'
import { against, CliError, exitCodes, usageError } from '../errors.ts'
import { withMysql } from '../lib/connections.ts'

const kinds = ['ddl', 'sinker', 'rule', 'connect-batch', 'connect-stream', 'datax', 'datax-shell'] as const
const shared = groups(mysqlGroup, rulesGroup)

export const genCommand: Command = {
  name: 'gen',
  summary: 'Generate StarRocks DDL, sinker settings, rule files and legacy Kafka Connect / DataX configs',
  usage: [
    'gen --database DB --table TABLE [--target ods_table] [--out DIR] [--only ddl,rule,...]',
    'gen --rules DIR [--rule NAME] [--database DB ...] [--out DIR]',
  ],
  details: [
    'One table: every file the seed generator wrote (rule, batch/stream connectors, DataX job and',
    'shell line) plus the StarRocks CREATE TABLE and the sinker settings. With --rules: one DDL and',
    'one sinker settings file per target table, merged over every shard the rule captures.',
    "The sinker settings (<target>.sinker.json) are a fragment to merge into the sinker's config:",
    'append kafka.topics, add the topicToTable and tables entries (see the README).',
    `Kinds for --only: ${kinds.join(', ')}.`,
  ],
  options: {
    ...shared.options,
    database: { type: 'string', multiple: true },
    table: { type: 'string' },
    target: { type: 'string' },
    'stream-topic': { type: 'string' },
    'batch-topic': { type: 'string' },
    'batch-topic-suffix': { type: 'string' },
    rule: { type: 'string' },
    only: { type: 'string', multiple: true },
    out: { type: 'string' },
    snake: { type: 'string' },
    tinyint1: { type: 'string' },
    binary: { type: 'string' },
    'binary-encoding': { type: 'string' },
    key: { type: 'string' },
    'sr-database': { type: 'string' },
    buckets: { type: 'string' },
    'replication-num': { type: 'string' },
    'sr-http-url': { type: 'string' },
    'bootstrap-servers': { type: 'string' },
    'connect-key-ref': { type: 'string' },
    'datax-key-ref': { type: 'string' },
    'batch-jsonpaths': { type: 'string' },
  },
  optionHelp: {
    ...shared.help,
    database: 'source database (with --rules: restricts the scan)',
    table: 'source table (one-table mode)',
    target: 'StarRocks table name (default ods_<table>)',
    'stream-topic': 'stream topic (default sync_stream.<target>)',
    'batch-topic': 'batch topic of the legacy DataX job (default sync_batch.<table>)',
    'batch-topic-suffix':
      "sinker settings: snapshot batch topic of rules without one, <stream topic><suffix> (default _batch, as snapshot's)",
    rule: 'only this rule (with --rules)',
    only: 'only these kinds of file',
    out: 'write the files into this directory instead of printing them',
    snake: 'column naming: legacy (the seed generator: ID → i_d, default) or modern (ID → id)',
    tinyint1: 'TINYINT(1) becomes tinyint (default) or boolean',
    binary: 'BINARY/VARBINARY/BLOB become string (default, the rendered text), varbinary, or skip',
    'binary-encoding': "the rule's binary rendering for sizing: base64 (default), hex, utf8",
    key: 'target key columns, comma-separated: replaces the source primary key (needed when it has none)',
    'sr-database': 'StarRocks database: qualifies the DDL, names it in the connectors',
    buckets: 'BUCKETS n in DISTRIBUTED BY (default: let StarRocks choose)',
    'replication-num': 'PROPERTIES ("replication_num" = n)',
    'sr-http-url': 'starrocks.http.url of the connectors',
    'bootstrap-servers': 'bootstrapServers of the DataX job',
    'connect-key-ref':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Kafka Connect config-provider reference
      'transforms.decrypt.secret.key of the connectors, e.g. ${file:/etc/kafka/s.properties:aes.key}',
    'datax-key-ref': 'encryptionKey of the DataX job',
    'batch-jsonpaths':
      "source (the seed's output, default) or target column names in the batch connector's jsonpaths",
  },
  examples: [
    'sync-ops gen --database shop --table orders --target ods_orders --sr-database ods',
    'sync-ops gen --database shop --table orders --only ddl --mysql-password-file ~/.mysql-pass',
    'sync-ops gen --rules ./rules --rule orders --out ./generated',
    'sync-ops gen --rules ./rules --json | jq -r ".files[].file"',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const settings = loadSettings(values, ctx.env)
    const endpoint = mysqlEndpoint(settings)
    ctx.out.addSecret(endpoint.password)
    const only = list(values, 'only')
    for (const k of only)
      if (!(kinds as readonly string[]).includes(k))
        throw usageError(`--only must list kinds of ${kinds.join(', ')}, received ${JSON.stringify(k)}`)
    const replication = int(values, 'replication-num', { min: 1, max: 10 })
    const declaredKey = list(values, 'key')
    const suffix = str(values, 'batch-topic-suffix')
    const ddl: DdlOptions = {
      tinyint1: oneOf(values, 'tinyint1', ['tinyint', 'boolean'], 'tinyint'),
      binary: oneOf(values, 'binary', ['string', 'varbinary', 'skip'], 'string'),
      binaryEncoding: oneOf(values, 'binary-encoding', ['base64', 'hex', 'utf8'], 'base64'),
      ...(str(values, 'sr-database') ? { starRocksDatabase: str(values, 'sr-database') } : {}),
      ...(int(values, 'buckets', { min: 1, max: 1024 })
        ? { buckets: int(values, 'buckets', { min: 1 }) }
        : {}),
      ...(replication ? { properties: { replication_num: String(replication) } } : {}),
      ...(declaredKey.length > 0 ? { declaredKey } : {}),
      ...(suffix ? { batchTopicSuffix: suffix } : {}),
    }
    const rulesDir = rulesDirectory(settings)
    const databases = list(values, 'database')
    const table = str(values, 'table')
    let result: GenResult
    if (table !== undefined) {
      if (databases.length !== 1) throw usageError('--table needs exactly one --database')
      const database = databases[0]!
      const keyRef = str(values, 'connect-key-ref')
      const [target, streamTopic, batchTopic] = ['target', 'stream-topic', 'batch-topic'].map((f) =>
        str(values, f),
      )
      result = await withMysql(endpoint, (conn) =>
        generateForTable(conn, {
          ...ddl,
          database,
          table,
          // what is not given follows warehouse-ddl's defaultTableNames
          ...(target ? { target } : {}),
          ...(streamTopic ? { streamTopic } : {}),
          ...(batchTopic ? { batchTopic } : {}),
          snakeCase: oneOf(values, 'snake', ['legacy', 'modern'], 'legacy'),
          mysqlHost: endpoint.host,
          mysqlPort: endpoint.port,
          legacy: {
            ...(str(values, 'sr-http-url') ? { starRocksHttpUrl: str(values, 'sr-http-url') } : {}),
            ...(ddl.starRocksDatabase ? { starRocksDatabase: ddl.starRocksDatabase } : {}),
            ...(str(values, 'bootstrap-servers')
              ? { bootstrapServers: str(values, 'bootstrap-servers') }
              : {}),
            ...(keyRef ? { connectKeyRef: { batch: keyRef, stream: keyRef } } : {}),
            ...(str(values, 'datax-key-ref') ? { dataxKeyRef: str(values, 'datax-key-ref') } : {}),
            batchJsonPaths: oneOf(values, 'batch-jsonpaths', ['source', 'target'] as const, 'source'),
          },
        }),
      )
    } else if (rulesDir !== undefined) {
      const ruleSet = await against(`rules in ${rulesDir}`, () => loadRuleDirectory(rulesDir))
      const rule = str(values, 'rule')
      result = await withMysql(endpoint, (conn) =>
        generateForRules(conn, ruleSet, { ...ddl, databases, ...(rule ? { rule } : {}) }),
      )
    } else {
      throw usageError('give --database and --table, or --rules DIR')
    }
    const files = only.length > 0 ? result.files.filter((f) => only.includes(f.kind)) : result.files
    for (const w of result.warnings) ctx.out.note(`warning: ${w}`)
    const out = str(values, 'out')
    if (out !== undefined) {
      await mkdir(out, { recursive: true }).catch((err) => {
        throw new CliError('OPS_INPUT', `cannot create ${out}: ${(err as NodeJS.ErrnoException).code}`)
      })
      for (const f of files) await writeFile(join(out, f.file), f.content)
    }
    if (bool(values, 'json')) {
      ctx.out.json({
        files: out === undefined ? files : files.map(({ file, kind }) => ({ file: join(out, file), kind })),
        warnings: result.warnings,
      })
    } else if (out !== undefined) {
      for (const f of files) ctx.out.line(join(out, f.file))
    } else {
      for (const f of files) {
        ctx.out.line(`${f.kind === 'ddl' ? '--' : '#'} ${f.file}`)
        ctx.out.line(f.content.replace(/\n$/, ''))
        ctx.out.line()
      }
    }
    return exitCodes.ok
  },
}
