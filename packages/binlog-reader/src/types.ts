/** Structured logger; the reader never prints on its own. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Metrics sink: counters and gauges, labelled. */
export interface Metrics {
  increment(name: string, by?: number, labels?: Record<string, string>): void
  gauge(name: string, value: number, labels?: Record<string, string>): void
}

/** Time source; tests inject a fake one. */
export interface Clock {
  now(): number
  /** Waits `ms` (the reconnect backoff); default: a timer. */
  sleep?(ms: number): Promise<void>
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
export const noopMetrics: Metrics = { increment() {}, gauge() {} }
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/** mysql2-style connection settings (password never appears in errors or logs). */
export interface ConnectionOptions {
  host: string
  port?: number
  user: string
  password?: string
  /** Passed through to mysql2 (e.g. `{ ca }`). */
  ssl?: unknown
  connectTimeout?: number
}
