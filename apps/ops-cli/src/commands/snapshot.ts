import { createEnvelopeCipher } from '@sync/crypto-envelope'
import { kafkaLabel } from '@sync/ops-kit'
import { siblingModuleUrl } from '@sync/service-kit'
import {
  createFileStateStore,
  createSnapshotLoader,
  createWorkerSink,
  isSnapshotError,
  type SnapshotScope,
} from '@sync/snapshot-loader'
import { createTableMatcher, loadRuleDirectory } from '@sync/table-matcher'
import type { Command } from '../cli/command.ts'
import { bool, int, list, oneOf, str } from '../cli/flags.ts'
import { groups, kafkaGroup, keyGroup, mysqlGroup, rulesGroup } from '../cli/option-groups.ts'
import {
  kafkaClientOptions,
  kafkaSecrets,
  loadSettings,
  mysqlEndpoint,
  requireEnvelopeKey,
  rulesDirectory,
} from '../config.ts'
import { against, describeError, exitCodes, usageError } from '../errors.ts'
import { createProgressBar } from '../lib/progress-bar.ts'
import { createSink, type SnapshotKafkaSink } from '../lib/snapshot-kafka-sink.ts'

// kafkajs' record encoding costs about as much CPU per row as the loader's reading, sealing
// and JSON together; on a worker thread it runs beside them (82-97k → 128-146k rows/s in
// packages/snapshot-loader's benchmark), at the price of a second V8 heap (about +270 MB peak
// RSS there). --no-kafka-worker keeps the producer on the loader's thread.
const sinkModule = siblingModuleUrl(import.meta.url, '../lib/snapshot-kafka-sink')

/** A failure of the sink (the loader's SNAP_SINK) is Kafka's, not the source's. */
function failedTarget(err: unknown, source: string, kafka: string): string {
  return isSnapshotError(err) && err.code === 'SNAP_SINK' ? kafka : source
}

const shared = groups(mysqlGroup, kafkaGroup, keyGroup, rulesGroup)

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: 'Snapshot a table or every shard of a rule into the batch topics, resumable, with progress',
  usage: [
    'snapshot --rules DIR --rule NAME [--database DB …] [--state FILE]',
    'snapshot --rules DIR --table DB.TABLE [--state FILE]',
  ],
  details: [
    'Runs @sync/snapshot-loader: chunked consistent reads, rows encrypted like the stream, control',
    'messages around each batch topic. Progress is saved in --state after every chunk; run the same',
    'command again after an interruption (Ctrl-C, a crash) and it resumes where it stopped.',
    'The Kafka producer runs on a worker thread, beside the loader; --no-kafka-worker keeps it on',
    "the loader's thread, for about 200 MB less memory at a lower rate.",
  ],
  options: {
    ...shared.options,
    rule: { type: 'string' },
    table: { type: 'string' },
    database: { type: 'string', multiple: true },
    state: { type: 'string' },
    'chunk-rows': { type: 'string' },
    checksum: { type: 'boolean' },
    format: { type: 'string' },
    'batch-topic-suffix': { type: 'string' },
    'server-time-zone': { type: 'string' },
    'no-kafka-worker': { type: 'boolean' },
    'no-fast-seal': { type: 'boolean' },
  },
  optionHelp: {
    ...shared.help,
    rule: 'snapshot every shard this rule captures',
    table: 'snapshot one table, DB.TABLE',
    database: 'with --rule: only these source databases',
    state: 'progress file (default ./snapshot-<rule or table>.state.json)',
    'chunk-rows': 'rows per chunk (default 20000)',
    checksum: 'publish per-table row checksums',
    format: 'seed (default) or debezium',
    'batch-topic-suffix': 'batch topic of rules without one: <stream topic><suffix> (default _batch)',
    'server-time-zone': "zone TIMESTAMP values are shown in (default: the server's)",
    'no-kafka-worker':
      "run the Kafka producer on the loader's thread (slower; saves the worker's second heap, about 200 MB)",
    'no-fast-seal':
      "seal every row with Node's AES-GCM instead of table GCM (slower; no table lookups, see @sync/crypto-envelope)",
  },
  examples: [
    'sync-ops snapshot --rules /etc/sync/rules --rule orders --key-file /etc/sync/key --brokers kafka1:9092',
    'sync-ops snapshot --rules ./rules --table shop.orders_2024 --state /var/lib/sync/orders.json --json',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const settings = loadSettings(values, ctx.env)
    const dir = rulesDirectory(settings)
    if (dir === undefined) throw usageError('--rules DIR is required (or SYNC_RULES_DIR)')
    const rule = str(values, 'rule')
    const table = str(values, 'table')
    if ((rule === undefined) === (table === undefined))
      throw usageError('give exactly one of --rule NAME or --table DB.TABLE')
    let scope: SnapshotScope
    if (table !== undefined) {
      const dot = table.indexOf('.')
      if (dot <= 0) throw usageError(`--table must be DB.TABLE, received ${JSON.stringify(table)}`)
      scope = { table: { database: table.slice(0, dot), table: table.slice(dot + 1) } }
    } else {
      const databases = list(values, 'database')
      scope = { rule: rule!, ...(databases.length > 0 ? { databases } : {}) }
    }
    const source = mysqlEndpoint(settings)
    ctx.out.addSecret(source.password)
    const key = requireEnvelopeKey(settings)
    ctx.out.addSecret(key)
    const kafkaOptions = kafkaClientOptions(settings)
    for (const secret of kafkaSecrets(kafkaOptions)) ctx.out.addSecret(secret)
    const ruleSet = await against(`rules in ${dir}`, () => loadRuleDirectory(dir))
    const statePath =
      str(values, 'state') ?? `snapshot-${(rule ?? table)!.replace(/[^\w.-]/g, '_')}.state.json`
    const chunkRows = int(values, 'chunk-rows', { min: 1 })
    const suffix = str(values, 'batch-topic-suffix')
    const zone = str(values, 'server-time-zone')
    const json = bool(values, 'json')
    const target = kafkaLabel(kafkaOptions)
    // on the loader's thread, a Kafka that cannot be reached fails before any read; on the
    // worker, the sink connects there and a failure comes back from its first call
    const sink: SnapshotKafkaSink = bool(values, 'no-kafka-worker')
      ? await against(target, () => createSink(kafkaOptions))
      : createWorkerSink({ module: sinkModule, options: kafkaOptions })
    const bar = createProgressBar((t) => ctx.out.status(t), {
      interactive: ctx.interactive && !json,
      now: ctx.now,
    })
    try {
      const loader = createSnapshotLoader({
        connection: {
          host: source.host,
          port: source.port,
          user: source.user,
          password: source.password,
          ...(source.ssl ? { ssl: source.ssl } : {}),
        },
        matcher: createTableMatcher(ruleSet),
        sink,
        cipher: createEnvelopeCipher({ key, fastSeal: !bool(values, 'no-fast-seal') }),
        format: oneOf(values, 'format', ['seed', 'debezium'] as const, 'seed'),
        checksum: bool(values, 'checksum'),
        stateStore: createFileStateStore(statePath),
        ...(chunkRows ? { chunkRows } : {}),
        ...(suffix ? { batchTopicSuffix: suffix } : {}),
        ...(zone ? { timeZone: zone } : {}),
        logger: {
          debug() {},
          info() {},
          warn: (m) => ctx.out.note(`warning: ${m}`),
          error: (m) => ctx.out.note(`error: ${m}`),
        },
      })
      const report = await loader
        .run(scope, {
          signal: ctx.signal,
          onProgress: (p) =>
            bar.update({
              rows: p.rows,
              estimatedRows: p.estimatedRows,
              rowsPerSecond: p.rowsPerSecond,
              etaSeconds: p.etaSeconds,
              label: p.table,
            }),
        })
        .catch((err: unknown) => {
          throw describeError(err, failedTarget(err, source.label, target))
        })
      bar.done()
      if (json) ctx.out.json({ ...report, state: statePath })
      else {
        ctx.out.table(report.tables, [
          'database',
          'table',
          'target',
          'topic',
          'rows',
          'chunks',
          ...(bool(values, 'checksum') ? ['checksum'] : []),
        ])
        ctx.out.line(
          `snapshot ${report.snapshotId}${report.resumed ? ' (resumed)' : ''}: ${report.rowsThisRun} row(s) in ${(report.durationMs / 1000).toFixed(1)}s; start position ${report.startPosition ?? report.startGtid ?? 'n/a'}; state ${statePath}`,
        )
      }
      return exitCodes.ok
    } finally {
      bar.done()
      await sink.close()
    }
  },
}
