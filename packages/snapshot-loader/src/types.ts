/** Structured logger; the loader never prints on its own. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Metrics sink: counters and gauges, labelled (the service-kit adapter fits). */
export interface Metrics {
  increment(name: string, by?: number, labels?: Record<string, string>): void
  gauge(name: string, value: number, labels?: Record<string, string>): void
}

export interface Clock {
  now(): number
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
export const noopMetrics: Metrics = { increment() {}, gauge() {} }
export const systemClock: Clock = { now: () => Date.now() }

/** One Kafka message as the loader hands it to the sink. */
export interface SinkMessage {
  key: string
  value: string
  /** Shared by every row of a chunk (and frozen): read it, copy it, never change it. */
  headers: Readonly<Record<string, string>>
  /** Set for control messages, which go to every partition; rows leave it to the partitioner. */
  partition?: number
}

/**
 * Where messages go: a thin adapter over a producer, owned by the caller (ops-cli wires
 * kafkajs). `send` resolves once the broker acknowledged every message of the call.
 */
export interface SnapshotSink {
  send(topic: string, messages: SinkMessage[]): Promise<void>
  /** Number of partitions of `topic` (control messages are written to each of them). */
  partitionCount(topic: string): Promise<number>
}

/** mysql2-style connection settings (the password never appears in errors or logs). */
export interface ConnectionOptions {
  host: string
  port?: number
  user: string
  password?: string
  /** Passed through to mysql2 (e.g. `{ ca }`). */
  ssl?: unknown
  connectTimeout?: number
}
