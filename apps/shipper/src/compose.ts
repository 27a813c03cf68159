// Wires the packages into a running shipper: rules → matcher per rule directory, one
// envelope cipher and encoder, one Kafka producer, one source runner per source, the ops
// server, and a small MySQL pool per source for catalog questions (its tables, which
// columns are binary).

import type { BinlogPosition, BinlogReaderOptions } from '@sync/binlog-reader'
import { createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import {
  type Backoff,
  type CheckpointStore,
  createBinaryColumnCatalog,
  createFileCheckpointStore,
  createKafkaCheckpointStore,
  createKafkaSender,
  createSourceRunner,
  type DeliveredBatch,
  type KafkaSender,
  listSourceTables,
  type SourceRunner,
} from '@sync/delivery'
import {
  createMetricsRegistry,
  createMetricsSink,
  type HealthReport,
  kafkaTlsWarning,
  type Logger,
  type MetricsRegistry,
  startOpsServer,
} from '@sync/service-kit'
import type { RuleDirectory } from '@sync/table-matcher'
import mysql, { type Pool } from 'mysql2/promise'
import type { ShipperConfig, SourceConfig } from './config.ts'
import { openRuleDirectory } from './rules.ts'
import { metricHelp, readerMetrics } from './shipper-metrics.ts'
import { sourceMetrics } from './source-metrics.ts'

export interface ShipperDeps {
  log: Logger
  registry?: MetricsRegistry
  now?: () => number
  /** Serve /metrics and /healthz (default true). */
  opsServer?: boolean
  /** Extra reader options (heartbeat, reconnect) for tests and tuning. */
  reader?: Partial<Omit<BinlogReaderOptions, 'connection' | 'serverId' | 'start' | 'tables'>>
  /** Backoff of a failed Kafka send. */
  retry?: Backoff
  /** Backoff of a source whose reader cannot start. */
  startRetry?: Backoff
  onDelivered?(sourceId: string, batch: DeliveredBatch<BinlogPosition>): void
}

export interface Shipper {
  /** Resolves when every source has stopped: 'stopped' after stop(), 'failed' when all died. */
  readonly done: Promise<'stopped' | 'failed'>
  /** Graceful stop: stop reading, deliver, checkpoint. False when the deadline cut it short. */
  stop(deadlineMs?: number): Promise<boolean>
  reloadRules(reason: string): Promise<void>
  health(): HealthReport
  readonly registry: MetricsRegistry
  readonly opsPort: number | undefined
  readonly sources: readonly SourceRunner[]
}

export async function startShipper(config: ShipperConfig, deps: ShipperDeps): Promise<Shipper> {
  const now = deps.now ?? (() => Date.now())
  const log = deps.log
  const registry = deps.registry ?? createMetricsRegistry({ prefix: 'sync_' })
  const metrics = createMetricsSink(registry, metricHelp)
  const insecureTls = kafkaTlsWarning(config.kafka.ssl)
  if (insecureTls) log.warn(insecureTls)

  const pools = new Map(config.sources.map((s) => [s.id, sourcePool(s)]))
  const closePools = () => Promise.all([...pools.values()].map((p) => p.end().catch(() => {})))
  const ruleDirs = new Map<string, RuleDirectory>()
  try {
    for (const dir of new Set(config.sources.map((s) => s.rulesDir))) {
      const sources = config.sources.filter((s) => s.rulesDir === dir)
      const knownTables = async () => {
        const lists = await Promise.all(sources.map((s) => listSourceTables(pools.get(s.id) as Pool)))
        return lists.flat()
      }
      ruleDirs.set(dir, await openRuleDirectory({ dir, ...config.rules, log, metrics, knownTables }))
    }
  } catch (err) {
    for (const r of ruleDirs.values()) r.close()
    await closePools()
    throw err
  }
  const { keys, activeKid, fastSeal } = config.encryption
  const cipher =
    activeKid === undefined
      ? createEnvelopeCipher({ key: keys[''] as string, fastSeal })
      : createEnvelopeCipher({ keys, activeKid, fastSeal })
  const encoder = createChangeEncoder({ cipher, format: config.format })
  const sender: KafkaSender = createKafkaSender({ settings: config.kafka, log, now })

  const storeClosers: Array<() => Promise<void>> = []
  const checkpointStore = (sourceId: string): CheckpointStore => {
    if (config.checkpoint.store === 'file') return createFileCheckpointStore(config.checkpoint.dir, sourceId)
    const store = createKafkaCheckpointStore({
      settings: config.kafka,
      topic: config.checkpoint.topic as string,
      sourceId,
    })
    storeClosers.push(() => store.close())
    return store
  }

  const runners = config.sources.map((source) => {
    const slog = log.child({ source: source.id })
    const rules = ruleDirs.get(source.rulesDir) as RuleDirectory
    const runner = createSourceRunner({
      id: source.id,
      reader: {
        ...deps.reader,
        connection: source.connection,
        serverId: source.serverId,
        ...(source.timeZone !== undefined ? { timeZone: source.timeZone } : {}),
        highWaterMark: source.highWaterMark,
        logger: slog,
        metrics: readerMetrics(source.id, metrics),
      },
      start: source.start,
      matcher: rules.matcher,
      encoder,
      send: (m) => sender.send(m),
      store: checkpointStore(source.id),
      batch: config.batch,
      checkpointIntervalMs: config.checkpoint.intervalMs,
      log: slog,
      now,
      binaryColumns: createBinaryColumnCatalog({
        conn: pools.get(source.id) as Pool,
        onMissingTable: (database, table) =>
          slog.warn('table no longer exists: its binary columns are shipped as read (base64)', {
            table: `${database}.${table}`,
          }),
      }),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.startRetry ? { startRetry: deps.startRetry } : {}),
      report: sourceMetrics(
        source.id,
        metrics,
        deps.onDelivered ? (b) => deps.onDelivered?.(source.id, b) : undefined,
      ),
    })
    // the reader memoises its table filter: a new rule set needs a new reader
    rules.onReload(() => runner.requestRestart('rules reloaded'))
    return runner
  })
  registry.gauge('shipper_seconds_behind_source', metricHelp.shipper_seconds_behind_source as string, () =>
    runners.map((r) => ({ labels: { source: r.id }, value: r.secondsBehind() })),
  )

  const health = (): HealthReport => {
    const checks: HealthReport['checks'] = {}
    for (const p of runners) {
      const h = p.health()
      checks[`source:${p.id}`] = { ok: h.ok, detail: `${p.state()}: ${h.detail}` }
    }
    const k = sender.health()
    checks.kafka = {
      ok: k.ok,
      detail: k.ok ? 'acknowledging' : `${k.consecutiveFailures} failed sends, last: ${k.lastError ?? ''}`,
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks }
  }

  const ops =
    deps.opsServer === false
      ? undefined
      : await startOpsServer({
          port: config.metrics.port,
          host: config.metrics.host,
          metrics: registry,
          health,
        })
  if (ops) log.info('ops server listening', { port: ops.port, paths: ['/metrics', '/healthz'] })

  const outcomes = runners.map((p) => p.run())
  let closing: Promise<void> | undefined
  const closeAll = () => {
    closing ??= (async () => {
      for (const r of ruleDirs.values()) r.close()
      await sender.close()
      await Promise.all(storeClosers.map((close) => close()))
      await closePools()
      await ops?.close()
    })()
    return closing
  }
  const done = Promise.all(outcomes).then(async (results) => {
    await closeAll()
    return results.every((r) => r === 'failed') ? ('failed' as const) : ('stopped' as const)
  })
  // A dead source leaves the others running; only when none is left does the shipper end
  for (const [i, o] of outcomes.entries()) {
    void o.then((r) => {
      if (r === 'failed') log.error('a source has stopped; the others continue', { source: runners[i]?.id })
    })
  }

  return {
    done,
    async stop(deadlineMs = config.shutdownTimeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          for (const p of runners) p.abort()
          resolve(false)
        }, deadlineMs)
      })
      const clean = await Promise.race([Promise.all(runners.map((p) => p.stop())).then(() => true), deadline])
      clearTimeout(timer)
      await Promise.all(runners.map((p) => p.stop()))
      await closeAll()
      return clean
    },
    async reloadRules(reason) {
      await Promise.all([...ruleDirs.values()].map((r) => r.reload(reason)))
    },
    health,
    registry,
    opsPort: ops?.port,
    sources: runners,
  }
}

function sourcePool(source: SourceConfig): Pool {
  const pool = mysql.createPool({
    host: source.connection.host,
    port: source.connection.port,
    user: source.connection.user,
    password: source.connection.password,
    ...(source.connection.ssl ? { ssl: source.connection.ssl } : {}),
    connectionLimit: 2,
    maxIdle: 1,
    idleTimeout: 30_000,
    connectTimeout: 10_000,
  })
  pool.on('connection', (conn) => conn.on('error', () => {})) // a lost connection fails its query
  return pool
}
