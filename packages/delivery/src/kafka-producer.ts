// The kafkajs producer itself: acks=all, one request in flight per broker connection,
// connected lazily (so a Kafka outage at start is retried like any other). It runs on the
// calling thread, or on a worker thread (src/kafka-worker.ts) with `worker: true`.

import {
  CompressionTypes,
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs'
import type { KafkaSettings } from './kafka-settings.ts'

export interface WireMessage {
  key: string
  value: string
  headers: Record<string, string>
}

/** One topic's messages of a batch, in order. */
export interface TopicBatch {
  topic: string
  messages: WireMessage[]
}

export interface KafkaProducer {
  /** Resolves once Kafka acknowledged every message (acks=all); rejects with kafkajs' error. */
  send(topics: readonly TopicBatch[]): Promise<void>
  close(): Promise<void>
}

/** The kafkajs client settings of the shipper's Kafka section (brokers, TLS, SASL, timeouts). */
export function kafkaClientConfig(settings: KafkaSettings): KafkaConfig {
  return {
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
}

export function createKafkaProducer(settings: KafkaSettings): KafkaProducer {
  const producer: Producer = new Kafka(kafkaClientConfig(settings)).producer({
    idempotent: settings.idempotent,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  let connected: Promise<void> | undefined
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
    async send(topics) {
      await connect()
      await producer.sendBatch({
        acks: -1,
        timeout: settings.requestTimeoutMs,
        compression,
        topicMessages: topics.map((t) => ({ topic: t.topic, messages: t.messages })),
      })
    },
    async close() {
      await producer.disconnect().catch(() => {})
    },
  }
}
