// The one kafkajs producer all sources share: acks=all, one request in flight per broker
// connection, connected lazily (so a Kafka outage at start is retried like any other).

import {
  CompressionTypes,
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs'
import type { KafkaSettings } from './config.ts'
import type { OutMessage } from './delivery-loop.ts'
import { ShipperError } from './errors.ts'

export interface KafkaHealth {
  ok: boolean
  consecutiveFailures: number
  lastError?: string
  lastOkAt?: number
}

export interface KafkaSender {
  send(messages: readonly OutMessage[]): Promise<void>
  health(): KafkaHealth
  close(): Promise<void>
}

export interface KafkaSenderOptions {
  settings: KafkaSettings
  log: {
    warn(msg: string, fields?: Record<string, unknown>): void
    info(msg: string, fields?: Record<string, unknown>): void
  }
  now(): number
}

export function createKafkaSender({ settings, log, now }: KafkaSenderOptions): KafkaSender {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: settings.sasl as SASLOptions } : {}),
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // A short inner retry: the delivery loop retries the whole batch with its own backoff
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  }
  const kafka = new Kafka(config)
  const producer: Producer = kafka.producer({
    idempotent: settings.idempotent,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  let connected: Promise<void> | undefined
  let closed = false
  const state: KafkaHealth = { ok: true, consecutiveFailures: 0 }
  producer.on(producer.events.DISCONNECT, () => {
    connected = undefined
  })
  const compression = settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None

  const connect = () => {
    connected ??= producer.connect().catch((err) => {
      connected = undefined
      throw err
    })
    return connected
  }

  return {
    async send(messages) {
      if (closed) throw new ShipperError('SHIP_KAFKA', 'the producer is closed', { retriable: false })
      const byTopic = new Map<
        string,
        Array<{ key: string; value: string; headers: Record<string, string> }>
      >()
      for (const m of messages) {
        let list = byTopic.get(m.topic)
        if (!list) {
          list = []
          byTopic.set(m.topic, list)
        }
        list.push({ key: m.key, value: m.value, headers: m.headers })
      }
      try {
        await connect()
        await producer.sendBatch({
          acks: -1,
          timeout: settings.requestTimeoutMs,
          compression,
          topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
        })
      } catch (err) {
        state.ok = false
        state.consecutiveFailures++
        state.lastError = `${(err as Error).name}: ${(err as Error).message}`
        throw new ShipperError(
          'SHIP_KAFKA',
          `Kafka did not acknowledge ${messages.length} messages: ${(err as Error).message}`,
          {
            cause: err,
          },
        )
      }
      if (!state.ok) log.info('kafka delivers again', { after: state.consecutiveFailures })
      state.ok = true
      state.consecutiveFailures = 0
      state.lastOkAt = now()
    },
    health: () => ({ ...state }),
    async close() {
      closed = true
      await producer.disconnect().catch(() => {})
    },
  }
}
