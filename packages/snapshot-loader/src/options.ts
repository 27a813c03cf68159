import type { OutputFormat, SealingCipher } from '@sync/change-message'
import type { TableMatcher, TablePlan } from '@sync/table-matcher'
import { optionError } from './errors.ts'
import { type PositionMode, positionModes } from './position.ts'
import type { SnapshotStateStore } from './state-store.ts'
import {
  type Clock,
  type ConnectionOptions,
  type Logger,
  type Metrics,
  noopMetrics,
  type SnapshotSink,
  silentLogger,
  systemClock,
} from './types.ts'

export interface SnapshotLoaderOptions {
  /** Source connection: SELECT; on MySQL also REPLICATION CLIENT, and RELOAD or LOCK TABLES (see positionMode). */
  connection: ConnectionOptions
  /** Rules: which tables a rule covers, target names, column mapping, keys. */
  matcher: TableMatcher
  /** Where messages go (a producer adapter; see SnapshotSink). */
  sink: SnapshotSink
  /** The envelope cipher (@sync/crypto-envelope's createEnvelopeCipher). */
  cipher: SealingCipher
  /** Message format: 'seed' (default) or 'debezium', as the stream of the same targets. */
  format?: OutputFormat
  /** Zone TIMESTAMP values are shown in; default: the server's (as the binlog reader). */
  timeZone?: string
  /** Rows per chunk, i.e. per consistent read (default 20000). */
  chunkRows?: number
  /** Messages per sink.send call (default 2000). */
  sendBatchRows?: number
  /** sink.send calls in flight at once (default 4); with sendBatchRows it bounds memory. */
  maxInFlightSends?: number
  /** Bytes (keys, values, headers) in flight at once (default 64 MiB); batches are cut to fit. */
  maxInFlightBytes?: number
  /** Publish an order-independent row checksum per table and target (default false). */
  checksum?: boolean
  /** Saved progress for resuming; without it an interrupted snapshot starts over. */
  stateStore?: SnapshotStateStore
  /** How each chunk's binlog position is taken (default 'auto': by server, and on MySQL by privilege). */
  positionMode?: PositionMode
  /** Suffix of the default batch topic, `<stream topic><suffix>`, for rules without a batch topic (default '_batch'). */
  batchTopicSuffix?: string
  /** Overrides the batch topic of every table (default: the rule's batch topic, else the suffix rule). */
  batchTopic?: (plan: TablePlan) => string
  logger?: Logger
  metrics?: Metrics
  clock?: Clock
}

export type ResolvedOptions = Required<
  Omit<SnapshotLoaderOptions, 'timeZone' | 'stateStore' | 'batchTopic'>
> & {
  timeZone: string | undefined
  stateStore: SnapshotStateStore | undefined
  batchTopic: ((plan: TablePlan) => string) | undefined
}

export const defaultSnapshotLoaderOptions = {
  format: 'seed',
  chunkRows: 20_000,
  sendBatchRows: 2_000,
  maxInFlightSends: 4,
  maxInFlightBytes: 64 * 1024 * 1024,
  checksum: false,
  positionMode: 'auto',
  batchTopicSuffix: '_batch',
} as const

const known = new Set([
  'connection',
  'matcher',
  'sink',
  'cipher',
  'format',
  'timeZone',
  'chunkRows',
  'sendBatchRows',
  'maxInFlightSends',
  'maxInFlightBytes',
  'checksum',
  'stateStore',
  'positionMode',
  'batchTopicSuffix',
  'batchTopic',
  'logger',
  'metrics',
  'clock',
])
const knownConnection = new Set(['host', 'port', 'user', 'password', 'ssl', 'connectTimeout'])

function int(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(name, `an integer from ${min} to ${max}`, value)
  }
  return value
}

function hasMethods(value: unknown, methods: string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  )
}

export function resolveOptions(options: SnapshotLoaderOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options)
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw optionError(`options.${key}`, 'a known option', key)
  }
  const c = options.connection
  if (typeof c !== 'object' || c === null) throw optionError('options.connection', 'an object', c)
  for (const key of Object.keys(c)) {
    if (!knownConnection.has(key)) throw optionError(`options.connection.${key}`, 'a known option', key)
  }
  if (typeof c.host !== 'string' || c.host === '')
    throw optionError('options.connection.host', 'a host name', c.host)
  if (typeof c.user !== 'string' || c.user === '')
    throw optionError('options.connection.user', 'a user name', c.user)
  int('options.connection.port', c.port, 1, 65535, 3306)
  // password: never echoed, only its type is checked
  if (c.password !== undefined && typeof c.password !== 'string') {
    throw optionError('options.connection.password', 'a string', typeof c.password)
  }
  if (!hasMethods(options.matcher, ['match', 'rules'])) {
    throw optionError('options.matcher', 'a TableMatcher (createTableMatcher)', options.matcher)
  }
  if (!hasMethods(options.sink, ['send', 'partitionCount'])) {
    throw optionError(
      'options.sink',
      'an object with send(topic, messages) and partitionCount(topic)',
      options.sink,
    )
  }
  if (!hasMethods(options.cipher, ['sealToJson'])) {
    throw optionError('options.cipher', 'an envelope cipher with sealToJson', options.cipher)
  }
  const format = options.format ?? defaultSnapshotLoaderOptions.format
  if (format !== 'seed' && format !== 'debezium')
    throw optionError('options.format', "'seed' or 'debezium'", format)
  if (options.timeZone !== undefined && (typeof options.timeZone !== 'string' || options.timeZone === '')) {
    throw optionError('options.timeZone', "a zone name such as 'UTC' or '+08:00'", options.timeZone)
  }
  const positionMode = options.positionMode ?? defaultSnapshotLoaderOptions.positionMode
  if (!(positionMode in positionModes)) {
    throw optionError(
      'options.positionMode',
      "'auto', 'mariadb-status', 'mysql-lock' or 'mysql-table-lock'",
      positionMode,
    )
  }
  if (options.checksum !== undefined && typeof options.checksum !== 'boolean') {
    throw optionError('options.checksum', 'a boolean', options.checksum)
  }
  if (options.stateStore !== undefined && !hasMethods(options.stateStore, ['load', 'save'])) {
    throw optionError('options.stateStore', 'an object with load() and save(state)', options.stateStore)
  }
  const suffix = options.batchTopicSuffix ?? defaultSnapshotLoaderOptions.batchTopicSuffix
  if (typeof suffix !== 'string' || suffix === '' || !/^[A-Za-z0-9._-]+$/.test(suffix)) {
    throw optionError('options.batchTopicSuffix', 'a non-empty string of Kafka topic characters', suffix)
  }
  if (options.batchTopic !== undefined && typeof options.batchTopic !== 'function') {
    throw optionError('options.batchTopic', 'a function (plan) => topic', options.batchTopic)
  }
  for (const f of ['logger', 'metrics', 'clock'] as const) {
    if (options[f] !== undefined && (typeof options[f] !== 'object' || options[f] === null)) {
      throw optionError(`options.${f}`, 'an object', options[f])
    }
  }
  return {
    connection: c,
    matcher: options.matcher,
    sink: options.sink,
    cipher: options.cipher,
    format,
    timeZone: options.timeZone,
    chunkRows: int(
      'options.chunkRows',
      options.chunkRows,
      1,
      10_000_000,
      defaultSnapshotLoaderOptions.chunkRows,
    ),
    sendBatchRows: int(
      'options.sendBatchRows',
      options.sendBatchRows,
      1,
      1_000_000,
      defaultSnapshotLoaderOptions.sendBatchRows,
    ),
    maxInFlightSends: int(
      'options.maxInFlightSends',
      options.maxInFlightSends,
      1,
      64,
      defaultSnapshotLoaderOptions.maxInFlightSends,
    ),
    maxInFlightBytes: int(
      'options.maxInFlightBytes',
      options.maxInFlightBytes,
      1024,
      2 ** 40,
      defaultSnapshotLoaderOptions.maxInFlightBytes,
    ),
    checksum: options.checksum ?? defaultSnapshotLoaderOptions.checksum,
    stateStore: options.stateStore,
    positionMode,
    batchTopicSuffix: suffix,
    batchTopic: options.batchTopic,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noopMetrics,
    clock: options.clock ?? systemClock,
  }
}
