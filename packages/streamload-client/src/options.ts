import { StreamLoadError } from './errors.ts'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface Metrics {
  count(name: string, value: number, labels?: Record<string, string>): void
  observe(name: string, value: number, labels?: Record<string, string>): void
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export interface RetryOptions {
  /** Attempts per load, the first included (default 5). */
  maxAttempts?: number
  initialDelayMs?: number
  maxDelayMs?: number
  multiplier?: number
}

export interface StreamLoadClientOptions {
  /** FE (mode 'fe') or BE (mode 'be') HTTP addresses: `host:port` or URLs, as an array or comma-separated. */
  endpoints: string | readonly string[]
  mode?: 'fe' | 'be'
  flavour?: 'starrocks' | 'doris'
  user: string
  password?: string
  database: string
  /** `host` or `host:port` advertised by the cluster → `host:port` reachable from here. */
  hostRewrite?: Readonly<Record<string, string>>
  /** The `timeout` header (seconds) when a load sets none (default 600). */
  loadTimeoutSeconds?: number
  /**
   * Per-request wait for the BE's answer (default: the load's timeout + 60 s). A value below the
   * load timeout is accepted with a logger warning: see `requestTimeoutMs()`.
   */
  requestTimeoutMs?: number
  /** Connect timeout and the FE redirect hop's timeout (default 10 s). */
  connectTimeoutMs?: number
  retry?: RetryOptions
  /** Bytes of the ErrorURL log kept in a filtered-rows error (default 64 KiB). */
  maxErrorLogBytes?: number
  /** Kept-alive connections per BE (default 8). */
  connections?: number
  logger?: Logger
  metrics?: Metrics
  clock?: Clock
}

export interface ResolvedOptions {
  endpoints: string[]
  mode: 'fe' | 'be'
  flavour: 'starrocks' | 'doris'
  user: string
  password: string
  database: string
  hostRewrite: Map<string, string>
  loadTimeoutSeconds: number
  requestTimeoutMs?: number
  connectTimeoutMs: number
  retry: Required<RetryOptions>
  maxErrorLogBytes: number
  connections: number
  logger?: Logger
  metrics?: Metrics
  clock: Clock
}

export const defaultStreamLoadClientOptions = {
  mode: 'fe',
  flavour: 'starrocks',
  password: '',
  loadTimeoutSeconds: 600,
  connectTimeoutMs: 10_000,
  retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2 },
  maxErrorLogBytes: 64 * 1024,
  connections: 8,
} as const

const KNOWN = [
  'endpoints',
  'mode',
  'flavour',
  'user',
  'password',
  'database',
  'hostRewrite',
  'loadTimeoutSeconds',
  'requestTimeoutMs',
  'connectTimeoutMs',
  'retry',
  'maxErrorLogBytes',
  'connections',
  'logger',
  'metrics',
  'clock',
]
const RETRY_KEYS = ['maxAttempts', 'initialDelayMs', 'maxDelayMs', 'multiplier']

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
}

export function invalid(message: string): StreamLoadError {
  return new StreamLoadError('SL_INVALID_ARGUMENT', message, { retriable: false })
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v))

function int(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw invalid(`options.${name} must be an integer >= ${min}, received ${show(v)}`)
  return v
}

/**
 * How long one request waits for the BE's answer: `options.requestTimeoutMs`, else the load's
 * `timeout` header + 60 s, so the BE's own timeout fires first and its answer still arrives
 * (§0.4 of the protocol reference: set the client timeouts above the `timeout` header).
 *
 * An explicit value below the load timeout is not rejected. Past it the outcome is unknown and
 * the load is sent again under its label, which is safe (a still-running label answers
 * `Label Already Exists`/RUNNING and is backed off, a finished one is a success) but re-sends
 * the body. Callers use a short value on purpose to make client-side timeouts happen in fault
 * tests against a default 600 s load timeout; the factory logs a warning instead.
 */
export function requestTimeoutMs(o: ResolvedOptions, loadTimeoutSeconds: number): number {
  return o.requestTimeoutMs ?? loadTimeoutSeconds * 1000 + 60_000
}

/** `10.0.0.1:8030` or `http://10.0.0.1:8030/` → `http://10.0.0.1:8030`. */
export function normalizeEndpoint(raw: string): string {
  const text = raw.trim()
  const url = new URL(/^https?:\/\//i.test(text) ? text : `http://${text}`)
  if (url.username || url.password)
    throw invalid('options.endpoints must not carry credentials; use user/password')
  return url.origin
}

export function resolveOptions(o: StreamLoadClientOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw invalid('options must be an object')
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw invalid(`options.${k} is not a known option`)
  const list = typeof o.endpoints === 'string' ? o.endpoints.split(',') : o.endpoints
  if (!Array.isArray(list) || list.filter((e) => String(e).trim()).length === 0)
    throw invalid(`options.endpoints must name at least one address, received ${show(o.endpoints)}`)
  const endpoints = list.filter((e) => String(e).trim()).map((e) => normalizeEndpoint(String(e)))
  const d = defaultStreamLoadClientOptions
  const mode = o.mode ?? d.mode
  if (mode !== 'fe' && mode !== 'be')
    throw invalid(`options.mode must be 'fe' or 'be', received ${show(mode)}`)
  const flavour = o.flavour ?? d.flavour
  if (flavour !== 'starrocks' && flavour !== 'doris')
    throw invalid(`options.flavour must be 'starrocks' or 'doris', received ${show(flavour)}`)
  if (typeof o.user !== 'string' || o.user === '')
    throw invalid(`options.user must be a non-empty string, received ${show(o.user)}`)
  if (o.password !== undefined && typeof o.password !== 'string')
    throw invalid('options.password must be a string')
  if (typeof o.database !== 'string' || o.database === '')
    throw invalid(`options.database must be a non-empty string, received ${show(o.database)}`)
  for (const k of Object.keys(o.retry ?? {}))
    if (!RETRY_KEYS.includes(k)) throw invalid(`options.retry.${k} is not a known option`)
  const r = { ...d.retry, ...o.retry }
  const retry = {
    maxAttempts: int('retry.maxAttempts', r.maxAttempts, 1),
    initialDelayMs: int('retry.initialDelayMs', r.initialDelayMs, 0),
    maxDelayMs: int('retry.maxDelayMs', r.maxDelayMs, 0),
    multiplier: r.multiplier,
  }
  if (typeof retry.multiplier !== 'number' || !(retry.multiplier >= 1))
    throw invalid(`options.retry.multiplier must be a number >= 1, received ${show(retry.multiplier)}`)
  const hostRewrite = new Map<string, string>()
  for (const [from, to] of Object.entries(o.hostRewrite ?? {})) {
    if (typeof to !== 'string' || to === '')
      throw invalid(`options.hostRewrite[${from}] must be a host:port string`)
    hostRewrite.set(from.toLowerCase(), to)
  }
  return {
    endpoints,
    mode,
    flavour,
    user: o.user,
    password: o.password ?? d.password,
    database: o.database,
    hostRewrite,
    loadTimeoutSeconds: int('loadTimeoutSeconds', o.loadTimeoutSeconds ?? d.loadTimeoutSeconds, 1),
    ...(o.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: int('requestTimeoutMs', o.requestTimeoutMs, 1) }),
    connectTimeoutMs: int('connectTimeoutMs', o.connectTimeoutMs ?? d.connectTimeoutMs, 1),
    retry,
    maxErrorLogBytes: int('maxErrorLogBytes', o.maxErrorLogBytes ?? d.maxErrorLogBytes, 0),
    connections: int('connections', o.connections ?? d.connections, 1),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    clock: o.clock ?? systemClock,
  }
}
