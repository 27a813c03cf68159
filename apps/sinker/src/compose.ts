// Wires the packages into a running sinker: kafkajs consumer/admin/producer, the envelope
// cipher, the change decoder, the target (StarRocks Stream Load or MySQL) and the ops server,
// around the consume/batch/load/commit loop of @sync/sink-core.
import { createChangeDecoder } from '@sync/change-message'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import {
  createMetricsRegistry,
  kafkaTlsWarning,
  type Logger,
  type MetricsRegistry,
  startOpsServer,
} from '@sync/service-kit'
import {
  createMysqlTarget,
  createSchemaReader,
  createSinker,
  createStarRocksTarget,
  type LoadTarget,
} from '@sync/sink-core'
import { createStreamLoadClient } from '@sync/streamload-client'
import { Kafka, logLevel as kafkaLogLevel, type SASLOptions } from 'kafkajs'
import mysql from 'mysql2/promise'
import type { SinkerConfig } from './config.ts'
import { createSinkerMetrics } from './sinker-metrics.ts'

export interface ComposeOptions {
  logger: Logger
  registry?: MetricsRegistry
  /** Start /metrics and /healthz (default true). */
  ops?: boolean
}

function kafkaLogger(logger: Logger) {
  return () =>
    ({ level, log }: { level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, timestamp: _t, logger: _l, ...fields } = log
      if (level <= kafkaLogLevel.ERROR) logger.error(`kafka: ${message}`, fields)
      else if (level === kafkaLogLevel.WARN) logger.warn(`kafka: ${message}`, fields)
    }
}

function streamLoadMetrics(registry: MetricsRegistry) {
  const counters = new Map<string, ReturnType<MetricsRegistry['counter']>>()
  const histograms = new Map<string, ReturnType<MetricsRegistry['histogram']>>()
  const msBuckets = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
  return {
    count(name: string, value: number, labels?: Record<string, string>) {
      let c = counters.get(name)
      if (!c) {
        c = registry.counter(name.endsWith('_total') ? name : `${name}_total`, name)
        counters.set(name, c)
      }
      c.inc(labels, value)
    },
    observe(name: string, value: number, labels?: Record<string, string>) {
      let h = histograms.get(name)
      if (!h) {
        h = registry.histogram(name, name, msBuckets)
        histograms.set(name, h)
      }
      h.observe(labels, value)
    },
  }
}

export function createTarget(
  config: Readonly<SinkerConfig>,
  logger: Logger,
  registry: MetricsRegistry,
): LoadTarget {
  const t = config.target
  if (t.kind === 'mysql') {
    const pool = mysql.createPool({
      host: t.host,
      port: t.port,
      user: t.user,
      password: t.password,
      database: t.database,
      connectionLimit: 8,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: true,
    })
    return createMysqlTarget({ pool, schemas: createSchemaReader(pool, t.database, config.tables) })
  }
  const queryPool = t.query
    ? mysql.createPool({
        host: t.query.host,
        port: t.query.port,
        user: t.query.user,
        password: t.query.password,
        connectionLimit: 2,
      })
    : undefined
  const client = createStreamLoadClient({
    endpoints: t.endpoints,
    mode: t.mode,
    user: t.user,
    password: t.password,
    database: t.database,
    retry: { maxAttempts: t.maxAttempts },
    ...(t.requestTimeoutMs ? { requestTimeoutMs: t.requestTimeoutMs } : {}),
    logger,
    metrics: streamLoadMetrics(registry),
  })
  const target = createStarRocksTarget({
    client,
    schemas: createSchemaReader(queryPool, t.database, config.tables),
  })
  return {
    ...target,
    async close() {
      await target.close()
      await queryPool?.end()
    },
  }
}

export async function composeSinker(config: Readonly<SinkerConfig>, options: ComposeOptions) {
  const { logger } = options
  const registry = options.registry ?? createMetricsRegistry({ prefix: 'sync_' })
  const k = config.kafka
  const insecureTls = kafkaTlsWarning(k.ssl)
  if (insecureTls) logger.warn(insecureTls)
  const kafka = new Kafka({
    clientId: k.clientId,
    brokers: [...k.brokers],
    ssl: k.ssl,
    ...(k.sasl ? { sasl: { ...k.sasl } as SASLOptions } : {}),
    logLevel: kafkaLogLevel.WARN,
    logCreator: kafkaLogger(logger),
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  })
  const cipher = createEnvelopeCipher(
    config.keys.keys
      ? { keys: { ...config.keys.keys }, activeKid: config.keys.activeKid! }
      : { key: config.keys.key! },
  )
  const sinker = createSinker({
    consumer: kafka.consumer({
      groupId: k.groupId,
      sessionTimeout: k.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(k.sessionTimeoutMs / 3)),
      // a partition resumed after a hold joins the next fetch: keep idle fetches short
      maxWaitTimeInMs: 500,
    }),
    admin: kafka.admin(),
    producer: kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: true }),
    decoder: createChangeDecoder({ cipher }),
    openControl: (value) => cipher.openToString(value),
    target: createTarget(config, logger, registry),
    groupId: k.groupId,
    topics: k.topics,
    topicPattern: k.topicPattern,
    fromBeginning: k.fromBeginning,
    topicToTable: config.topicToTable,
    flush: config.flush,
    labelPrefix: config.target.kind === 'starrocks' ? config.target.labelPrefix : 'mysql',
    deadLetterTopic: config.deadLetterTopic,
    logger,
    metrics: createSinkerMetrics(registry),
    now: Date.now,
  })
  const ops =
    options.ops === false
      ? undefined
      : await startOpsServer({
          port: config.ops.port,
          host: config.ops.host,
          metrics: registry,
          health: () => sinker.health(),
        })
  return {
    sinker,
    registry,
    opsPort: ops?.port,
    async start() {
      await sinker.start()
    },
    async stop(timeoutMs = config.shutdownTimeoutMs) {
      const r = await sinker.stop(timeoutMs)
      await ops?.close()
      return r
    },
  }
}
