// The Kafka client settings the producer, the sender and the Kafka checkpoint store share.
import type { ConnectionOptions } from 'node:tls'

export interface KafkaSettings {
  brokers: string[]
  clientId: string
  /**
   * TLS to the brokers: `true` verifies them against the system CAs; TLS options (a private
   * CA, a client certificate and key as PEM text) are passed to kafkajs as they are. Plain
   * data (strings), so the settings can be cloned to the producer's worker thread.
   */
  ssl: boolean | ConnectionOptions
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  compression: 'none' | 'gzip'
  /** kafkajs' idempotent producer (order per key does not need it: one batch in flight). */
  idempotent: boolean
  /** Run the kafkajs producer on a worker thread. */
  worker: boolean
  requestTimeoutMs: number
  connectionTimeoutMs: number
}
