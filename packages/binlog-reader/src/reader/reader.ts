// The supervised reader: sessions come and go, the stream of events does not.
//
// States: idle → starting → running ⇄ reconnecting → (stopped | failed).
// A failed session is stopped (its late errors ignored), a `reconnect` event is queued,
// and after a jittered backoff a new session starts from the last commit. Fatal errors
// (purged binlog, server_id conflict, refused features, render failures) and exhausted
// retries end the stream: the iterator throws after delivering what was queued before.

import { BinlogError } from '../errors.ts'
import { createValueRenderer, type ValueRenderer } from '../render/renderer.ts'
import { reconnectDelay } from './backoff.ts'
import {
  assertFileAvailable,
  type ControlConnection,
  connectControl,
  killThread,
  readServerFacts,
  resolveStart,
} from './control.ts'
import { EventQueue } from './event-queue.ts'
import type { BinlogPosition, ReaderEvent } from './events.ts'
import { type BinlogReaderOptions, type ResolvedOptions, resolveOptions } from './options.ts'
import { PositionTracker } from './position-tracker.ts'
import { Session } from './session.ts'
import { compileTableFilter } from './table-filter.ts'
import { createJsonCatalog } from './table-info.ts'

export type ReaderState = 'idle' | 'starting' | 'running' | 'reconnecting' | 'stopped' | 'failed'

export interface ReaderStats {
  state: ReaderState
  serverVersion: string | undefined
  timeZone: string | undefined
  eventsDelivered: number
  rowsDelivered: number
  rowsDecoded: number
  transactions: number
  reconnects: number
  queuedEvents: number
  queuedRows: number
  paused: boolean
  /** Consumer lag: now minus the binlog time of the last delivered event, ms. */
  lagMs: number | undefined
  checkpoint: BinlogPosition | undefined
  catalogCacheSize: number
  /** Entries in zongji's table map: at most `tableCacheSize` plus the tables of one statement. */
  tableMapSize: number
  /** Rendering plans cached per table id (same bound). */
  tablePlanCacheSize: number
  /** The server thread id of the current binlog dump connection. */
  dumpThreadId: number | undefined
}

export interface BinlogReader extends AsyncIterable<ReaderEvent> {
  /** Connects and starts streaming; rejects on a bad start (purged position, refused login). */
  start(): Promise<void>
  /** Stops streaming and ends the iterator. Idempotent. */
  stop(): Promise<void>
  /** The position after the last commit the consumer has pulled: safe to persist once that work is done. */
  checkpoint(): BinlogPosition | undefined
  stats(): ReaderStats
  events(): AsyncIterableIterator<ReaderEvent>
  /**
   * The next event already decoded and queued, taken synchronously, or undefined when none
   * is queued (then use the iterator, which also reports the end and errors). The same
   * stream as the iterator: a consumer may mix both; each event is handed out once.
   */
  tryNext(): ReaderEvent | undefined
}

function asBinlogError(err: unknown): BinlogError {
  if (err instanceof BinlogError) return err
  const e = err as { errno?: number; message?: string }
  if (typeof e?.errno === 'number' && e.errno < 10000 && e.errno > 0) {
    return new BinlogError('BINLOG_SERVER', `server error ${e.errno}: ${e.message}`, {
      cause: err,
      errno: e.errno,
    })
  }
  return new BinlogError('BINLOG_CONNECTION', `control connection failed: ${e?.message ?? String(err)}`, {
    cause: err,
  })
}

export function createBinlogReader(options: BinlogReaderOptions): BinlogReader {
  const o: ResolvedOptions = resolveOptions(options)
  const filter = compileTableFilter(o.tables)
  const catalog = createJsonCatalog(o.tableCacheSize)
  const { logger, metrics, clock } = o
  const sleep = (ms: number) =>
    clock.sleep ? clock.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms))
  let state: ReaderState = 'idle'
  let session: Session | undefined
  let control: ControlConnection | undefined
  let renderer: ValueRenderer | undefined
  let tracker: PositionTracker | undefined
  let isMariaDb = false
  let serverVersion: string | undefined
  let delivered: BinlogPosition | undefined
  let attempts = 0
  let lastFailureCheckpoint: BinlogPosition | undefined
  let watchdog: ReturnType<typeof setInterval> | undefined
  let lastDeliveredTimestamp: number | undefined
  const counters = { events: 0, rows: 0, transactions: 0, reconnects: 0, rowsDecodedBefore: 0 }

  const queue = new EventQueue<ReaderEvent>({
    highWaterMark: o.highWaterMark,
    onHigh: () => {
      backpressured = true
      session?.pause('backpressure')
      metrics.gauge('binlog_paused', 1)
    },
    onLow: () => {
      backpressured = false
      session?.resume('backpressure')
      metrics.gauge('binlog_paused', 0)
    },
  })
  let backpressured = false

  const dsn = () => ({
    host: o.connection.host,
    port: o.connection.port ?? 3306,
    user: o.connection.user,
    password: o.connection.password,
    ...(o.connection.ssl !== undefined ? { ssl: o.connection.ssl } : {}),
    connectTimeout: o.connection.connectTimeout ?? 10_000,
    charset: 'utf8mb4',
    // Lossless raw forms for the renderer: temporal text in UTC, JSON as text
    dateStrings: true,
    timezone: 'Z',
    jsonStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
  })

  async function openSession(): Promise<void> {
    if (!tracker || !renderer) throw new BinlogError('BINLOG_STATE', 'reader not initialised')
    const previous = session
    const previousControl = control
    const ctl = await connectControl(o.connection)
    previousControl?.destroy()
    if (isOver()) {
      // stop() ran while this connected: it cleaned up what existed then
      ctl.destroy()
      return
    }
    control = ctl
    catalog.setConnection(ctl)
    if (previous) {
      counters.rowsDecodedBefore += previous.rowsDecoded
      await killThread(control, previous.threadId)
    }
    const resume = tracker.committed
    const useGtid = resume.gtid !== undefined
    if (!useGtid) await assertFileAvailable(control, resume)
    const s = new Session({
      dsn: dsn(),
      serverId: o.serverId,
      isMariaDb,
      tracker,
      filter,
      renderer,
      catalog,
      heartbeatMs: o.heartbeatMs,
      netWriteTimeoutSeconds: o.netWriteTimeoutSeconds,
      requireFullMetadata: o.requireFullMetadata,
      emptyCommitIntervalMs: o.emptyCommitIntervalMs,
      tableCacheSize: o.tableCacheSize,
      catalogTimeoutMs: o.stallTimeoutMs,
      now: () => clock.now(),
      emit: (event, weight) => queue.push(event, weight),
      onFailure: (error) => void onSessionFailure(s, error),
    })
    session = s
    if (backpressured) s.pause('backpressure')
    logger.info('binlog session starting', { resume, useGtid, serverId: o.serverId })
    await s.start(resume, useGtid)
    // stop() may have run while the session connected; it only saw the previous one
    if (isOver()) await s.stop()
  }

  function isOver(): boolean {
    return state === 'stopped' || state === 'failed'
  }

  async function onSessionFailure(failed: Session, error: BinlogError): Promise<void> {
    if (failed !== session || state === 'stopped' || state === 'failed') return
    metrics.increment('binlog_errors_total', 1, { code: error.code })
    logger.warn('binlog session failed', {
      code: error.code,
      message: error.message,
      retriable: error.retriable,
    })
    await failed.stop()
    if ((state as ReaderState) === 'stopped') return
    if (!error.retriable) return fail(error)
    const checkpoint = tracker?.committed
    if (checkpoint !== lastFailureCheckpoint) attempts = 0
    lastFailureCheckpoint = checkpoint
    attempts++
    if (attempts > o.reconnect.maxAttempts) {
      return fail(
        new BinlogError(
          'BINLOG_RETRIES_EXHAUSTED',
          `gave up after ${attempts - 1} reconnects: ${error.message}`,
          {
            cause: error,
            attempts: attempts - 1,
            retriable: false,
          },
        ),
      )
    }
    state = 'reconnecting'
    counters.reconnects++
    metrics.increment('binlog_reconnects_total', 1, { code: error.code })
    queue.push(
      {
        kind: 'reconnect',
        position: checkpoint as BinlogPosition,
        error,
        attempt: attempts,
        timestamp: clock.now(),
      },
      0,
    )
    await sleep(reconnectDelay(o.reconnect, attempts))
    if (state !== 'reconnecting') return
    try {
      await openSession()
      if (state === 'reconnecting') state = 'running'
    } catch (err) {
      const e = asBinlogError(err)
      if (isOver()) {
        await session?.stop()
        return
      }
      if (session && session !== failed) return onSessionFailure(session, e)
      // the new session never got built: retry through the same path
      session = failed
      return onSessionFailure(failed, e)
    }
  }

  function fail(error: BinlogError): void {
    if (state === 'failed' || state === 'stopped') return
    state = 'failed'
    logger.error('binlog reader stopped on a fatal error', { code: error.code, message: error.message })
    cleanup()
    queue.fail(error)
  }

  function cleanup(): void {
    if (watchdog) clearInterval(watchdog)
    watchdog = undefined
    const s = session
    void s?.stop()
    control?.destroy()
    control = undefined
  }

  function checkStall(): void {
    const s = session
    if (!s || state !== 'running' || s.paused) return
    const silent = clock.now() - s.lastActivity
    if (silent > o.stallTimeoutMs) {
      s.fail(
        new BinlogError('BINLOG_STALLED', `no data or heartbeat from the server for ${silent} ms`, {
          binlogFile: tracker?.committed.file,
          binlogPos: tracker?.committed.pos,
        }),
      )
    }
  }

  /** Bookkeeping for an event handed to the consumer (by the iterator or tryNext). */
  function pulled(event: ReaderEvent): void {
    counters.events++
    if (event.kind === 'commit') {
      delivered = event.checkpoint
      counters.transactions++
    } else if (event.kind === 'insert' || event.kind === 'delete' || event.kind === 'update') {
      counters.rows += event.rows.length
    }
    if (event.kind !== 'reconnect') lastDeliveredTimestamp = event.timestamp
  }

  const iterator: AsyncIterableIterator<ReaderEvent> = {
    async next() {
      const result = await queue.next()
      if (!result.done) pulled(result.value)
      return result
    },
    async return() {
      await reader.stop()
      return { value: undefined, done: true }
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }

  const reader: BinlogReader = {
    async start() {
      if (state !== 'idle') throw new BinlogError('BINLOG_STATE', `start() called in state ${state}`)
      state = 'starting'
      try {
        control = await connectControl(o.connection)
        const facts = await readServerFacts(control, logger)
        isMariaDb = facts.isMariaDb
        serverVersion = facts.version
        renderer = createValueRenderer({
          timeZone: o.timeZone ?? facts.timeZone,
          binaryEncoding: o.binaryEncoding,
          metrics,
        })
        const start = await resolveStart(control, o.start, isMariaDb)
        tracker = new PositionTracker(start, isMariaDb)
        if (state !== 'starting') return
        await openSession()
        if (state !== 'starting') return
        state = 'running'
        watchdog = setInterval(checkStall, Math.max(50, Math.min(1000, o.stallTimeoutMs / 4)))
        watchdog.unref?.()
      } catch (err) {
        const error = asBinlogError(err)
        if (state === 'starting') {
          state = 'failed'
          cleanup()
          queue.fail(error)
        }
        throw error
      }
    },
    async stop() {
      if (state === 'stopped') return
      const wasFailed = state === 'failed'
      state = 'stopped'
      if (watchdog) clearInterval(watchdog)
      const s = session
      if (s) await s.stop()
      control?.destroy()
      control = undefined
      if (!wasFailed) queue.end()
    },
    checkpoint: () => delivered,
    stats: () => ({
      state,
      serverVersion,
      timeZone: renderer?.timeZone,
      eventsDelivered: counters.events,
      rowsDelivered: counters.rows,
      rowsDecoded: counters.rowsDecodedBefore + (session?.rowsDecoded ?? 0),
      transactions: counters.transactions,
      reconnects: counters.reconnects,
      queuedEvents: queue.length,
      queuedRows: queue.weight,
      paused: session?.paused ?? false,
      lagMs: lastDeliveredTimestamp === undefined ? undefined : clock.now() - lastDeliveredTimestamp,
      checkpoint: delivered,
      catalogCacheSize: catalog.size,
      tableMapSize: session?.tableMapSize ?? 0,
      tablePlanCacheSize: session?.tablePlanCount ?? 0,
      dumpThreadId: session?.threadId,
    }),
    events: () => iterator,
    tryNext() {
      const event = queue.tryShift()
      if (event !== undefined) pulled(event)
      return event
    },
    [Symbol.asyncIterator]: () => iterator,
  }
  return reader
}
