// The Kafka client settings the producer, the sender and the Kafka checkpoint store share.

export interface KafkaSettings {
  brokers: string[]
  clientId: string
  ssl: boolean
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  compression: 'none' | 'gzip'
  /** kafkajs' idempotent producer (order per key does not need it: one batch in flight). */
  idempotent: boolean
  /** Run the kafkajs producer on a worker thread. */
  worker: boolean
  requestTimeoutMs: number
  connectionTimeoutMs: number
}
