// A quiet kafkajs client for operations: short timeouts and retries (an unreachable cluster
// fails in seconds, not minutes), TLS and SASL as the shipper's `kafka` settings have them.
import type { ConnectionOptions } from 'node:tls'
import { type Admin, Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs'

export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'
  username: string
  password: string
}

export interface KafkaClientOptions {
  brokers: readonly string[]
  clientId?: string
  /**
   * TLS to the brokers: `true` verifies them against the system CAs; TLS options (a private
   * CA, a client certificate, as service-kit's resolveKafkaTls makes them) go to kafkajs as
   * they are.
   */
  ssl?: boolean | ConnectionOptions
  sasl?: KafkaSaslOptions
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
  /** kafkajs retries per request; 2 by default (the CLI should fail fast). */
  retries?: number
}

export const defaultKafkaClientOptions = {
  clientId: 'sync-ops',
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  retries: 2,
} as const

/** kafkajs settings for `options`; exported so a caller can build a producer with the same. */
export function kafkaConfig(options: KafkaClientOptions): KafkaConfig {
  const retries = options.retries ?? defaultKafkaClientOptions.retries
  return {
    clientId: options.clientId ?? defaultKafkaClientOptions.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: options.connectionTimeoutMs ?? defaultKafkaClientOptions.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs ?? defaultKafkaClientOptions.requestTimeoutMs,
    retry: retries <= 2 ? { retries, initialRetryTime: 200, maxRetryTime: 1_000 } : { retries },
    ...(options.ssl === true
      ? { ssl: { rejectUnauthorized: true } }
      : options.ssl
        ? { ssl: options.ssl }
        : {}),
    ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
  }
}

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka(kafkaConfig(options))
}

/** Runs `fn` with a connected admin client and disconnects it afterwards. Errors pass through. */
export async function withKafkaAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await fn(admin)
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/** "Kafka at host:port,host:port": for messages; holds no secret. */
export function kafkaLabel(options: Pick<KafkaClientOptions, 'brokers'>): string {
  return `Kafka at ${options.brokers.join(',')}`
}
