import { describe, optionError } from '../errors.ts'
import { type BinaryEncoding, binaryEncodings } from '../render/renderer.ts'
import {
  type Clock,
  type ConnectionOptions,
  type Logger,
  type Metrics,
  noopMetrics,
  silentLogger,
  systemClock,
} from '../types.ts'
import type { StartPosition } from './events.ts'
import type { TableFilterOption } from './table-filter.ts'

export interface ReconnectOptions {
  /** First delay after a failure, ms (default 250). Doubles per attempt, with jitter. */
  initialDelayMs?: number
  /** Longest delay, ms (default 30000). */
  maxDelayMs?: number
  /** Consecutive failures without a commit in between before giving up (default 20). */
  maxAttempts?: number
}

export interface BinlogReaderOptions {
  connection: ConnectionOptions
  /** Replica id sent to the server; unique among its replicas and readers. No default. */
  serverId: number
  /** Where to start: a saved { file, pos }, a GTID set/position { gtid }, or 'now'. */
  start: StartPosition
  /** Tables to read: { db: true | ['t1', 't2'] }, or (db, table) => boolean. Default: all. */
  tables?: TableFilterOption
  /** Zone TIMESTAMP values are shown in; default: the server's time_zone. */
  timeZone?: string
  /** BINARY/VARBINARY/BLOB rendering; default 'base64'. */
  binaryEncoding?: BinaryEncoding
  /** Heartbeat period asked of the server, ms (default 5000). */
  heartbeatMs?: number
  /** No byte from the server for this long (while not paused) = stalled, ms (default 3 × heartbeatMs). */
  stallTimeoutMs?: number
  reconnect?: ReconnectOptions
  /** Rows queued for the consumer before the socket is paused (default 10000). */
  highWaterMark?: number
  /** Tables whose JSON-column lookup is cached (default 1000). */
  tableCacheSize?: number
  /** Session net_write_timeout, so a long consumer pause does not make the server drop us (default 3600). */
  netWriteTimeoutSeconds?: number
  /** Refuse TableMaps without FULL metadata instead of asking INFORMATION_SCHEMA (default true). */
  requireFullMetadata?: boolean
  /** Transactions with no captured change still yield a commit at most this often, ms (default 1000). */
  emptyCommitIntervalMs?: number
  logger?: Logger
  metrics?: Metrics
  clock?: Clock
}

export interface ResolvedOptions
  extends Required<Omit<BinlogReaderOptions, 'tables' | 'timeZone' | 'reconnect'>> {
  tables: TableFilterOption | undefined
  timeZone: string | undefined
  reconnect: Required<ReconnectOptions>
}

const known = new Set([
  'connection',
  'serverId',
  'start',
  'tables',
  'timeZone',
  'binaryEncoding',
  'heartbeatMs',
  'stallTimeoutMs',
  'reconnect',
  'highWaterMark',
  'tableCacheSize',
  'netWriteTimeoutSeconds',
  'requireFullMetadata',
  'emptyCommitIntervalMs',
  'logger',
  'metrics',
  'clock',
])
const knownConnection = new Set(['host', 'port', 'user', 'password', 'ssl', 'connectTimeout'])
const knownReconnect = new Set(['initialDelayMs', 'maxDelayMs', 'maxAttempts'])

function int(
  name: string,
  value: unknown,
  min: number,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(name, `an integer from ${min} to ${max}`, value)
  }
  return value
}

function checkKeys(name: string, value: object, allowed: Set<string>): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw optionError(`${name}.${key}`, 'a known option', describe(key))
  }
}

export function resolveOptions(options: BinlogReaderOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options)
  checkKeys('options', options, known)
  const c = options.connection
  if (typeof c !== 'object' || c === null) throw optionError('options.connection', 'an object', c)
  checkKeys('options.connection', c, knownConnection)
  if (typeof c.host !== 'string' || c.host === '')
    throw optionError('options.connection.host', 'a host name', c.host)
  if (typeof c.user !== 'string' || c.user === '')
    throw optionError('options.connection.user', 'a user name', c.user)
  int('options.connection.port', c.port, 1, 3306, 65535)
  // serverId 0 means "not a replica" to the server, and 1 is zongji's silent default
  if (options.serverId === undefined) {
    throw optionError(
      'options.serverId',
      'an integer from 2 to 4294967295 (required, there is no default)',
      undefined,
    )
  }
  const serverId = int('options.serverId', options.serverId, 2, 0, 2 ** 32 - 1)
  const start = options.start
  const validStart =
    start === 'now' ||
    (typeof start === 'object' &&
      start !== null &&
      (('gtid' in start && typeof start.gtid === 'string' && !('file' in start)) ||
        ('file' in start &&
          typeof start.file === 'string' &&
          start.file !== '' &&
          Number.isInteger(start.pos) &&
          start.pos >= 4)))
  if (!validStart) throw optionError('options.start', "{ file, pos } (pos >= 4), { gtid } or 'now'", start)
  if (options.timeZone !== undefined && typeof options.timeZone !== 'string') {
    throw optionError('options.timeZone', 'a zone name', options.timeZone)
  }
  const binaryEncoding = options.binaryEncoding ?? 'base64'
  if (!(binaryEncoding in binaryEncodings)) {
    throw optionError('options.binaryEncoding', "'base64', 'hex' or 'utf8'", options.binaryEncoding)
  }
  const r = options.reconnect ?? {}
  if (typeof r !== 'object' || r === null) throw optionError('options.reconnect', 'an object', r)
  checkKeys('options.reconnect', r, knownReconnect)
  const heartbeatMs = int('options.heartbeatMs', options.heartbeatMs, 100, 5000, 4_294_967)
  for (const f of ['logger', 'metrics', 'clock'] as const) {
    if (options[f] !== undefined && (typeof options[f] !== 'object' || options[f] === null)) {
      throw optionError(`options.${f}`, 'an object', options[f])
    }
  }
  if (
    options.tables !== undefined &&
    typeof options.tables !== 'function' &&
    typeof options.tables !== 'object'
  ) {
    throw optionError('options.tables', 'an include map or a function', options.tables)
  }
  return {
    connection: c,
    serverId,
    start,
    tables: options.tables,
    timeZone: options.timeZone,
    binaryEncoding,
    heartbeatMs,
    stallTimeoutMs: int('options.stallTimeoutMs', options.stallTimeoutMs, heartbeatMs + 1, heartbeatMs * 3),
    reconnect: {
      initialDelayMs: int('options.reconnect.initialDelayMs', r.initialDelayMs, 0, 250),
      maxDelayMs: int('options.reconnect.maxDelayMs', r.maxDelayMs, 0, 30_000),
      maxAttempts: int('options.reconnect.maxAttempts', r.maxAttempts, 0, 20),
    },
    highWaterMark: int('options.highWaterMark', options.highWaterMark, 1, 10_000),
    tableCacheSize: int('options.tableCacheSize', options.tableCacheSize, 1, 1000),
    netWriteTimeoutSeconds: int(
      'options.netWriteTimeoutSeconds',
      options.netWriteTimeoutSeconds,
      1,
      3600,
      31_536_000,
    ),
    requireFullMetadata: options.requireFullMetadata ?? true,
    emptyCommitIntervalMs: int('options.emptyCommitIntervalMs', options.emptyCommitIntervalMs, 0, 1000),
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noopMetrics,
    clock: options.clock ?? systemClock,
  }
}
