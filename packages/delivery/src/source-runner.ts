// One source: binlog reader → matcher/plan → encoder → delivery loop → checkpoint.
//
// States: starting → running ⇄ blocked → (stopped | failed); running → starting again when
// the reader is restarted (a reloaded rule set: the reader memoises its table filter, so a
// new reader is the only way to make it ask the new rules; it resumes from the last commit
// pulled, and the open batch's unfinished transaction is dropped to be read again).
// starting: the reader cannot start for a retriable reason (server down, refused
// connection): tried again with exponential backoff until it starts or the source stops.
// blocked: a row could not be mapped (TM_UNMAPPED_COLUMN with policy "error", TM_AMBIGUOUS):
// nothing after it is shipped until a restart is requested (a rule reload), then the
// transaction is read again.
// failed: the reader hit a fatal error (purged binlog, refused login, lost privileges);
// what was complete before it is still delivered and checkpointed.
// While the open batch is full (Kafka slower than the binlog) no event is pulled, so the
// reader's queue fills and it pauses its socket: memory stays bounded.

import {
  type BinlogPosition,
  type BinlogReaderOptions,
  createBinlogReader,
  isBinlogError,
  type ReaderEvent,
  type StartPosition,
} from '@sync/binlog-reader'
import type { ChangeEncoder } from '@sync/change-message'
import type { TableMatcher } from '@sync/table-matcher'
import type { BinaryColumnCatalog } from './binary-columns.ts'
import { createChangeBuilder } from './change-builder.ts'
import type { CheckpointStore } from './checkpoint-store.ts'
import { createCheckpointWriter } from './checkpoint-writer.ts'
import { createDeliveryLoop, type OutMessage } from './delivery-loop.ts'
import { DeliveryError } from './errors.ts'
import { checkOptions, describe } from './options.ts'
import { createEventHandler } from './source-events.ts'
import type { SourceLogger, SourceRunnerReport, SourceState } from './source-report.ts'

/** The part of @sync/binlog-reader's reader the runner uses. */
export interface SourceReader {
  start(): Promise<void>
  stop(): Promise<void>
  events(): AsyncIterator<ReaderEvent>
  /** An event already queued, taken without a promise (see BinlogReader.tryNext). */
  tryNext?(): ReaderEvent | undefined
  stats(): { queuedEvents: number }
}

export interface Backoff {
  initialDelayMs: number
  maxDelayMs: number
}

export interface SourceRunnerOptions {
  /** Source id, in log lines and errors. */
  id: string
  /** Reader settings (connection, serverId, timeZone, highWaterMark, logger, metrics …). */
  reader: Omit<BinlogReaderOptions, 'start' | 'tables'>
  /** Where to start when the store holds no checkpoint. */
  start: StartPosition
  /** The rules; read at every row, so a rule reload is seen by the next row. */
  matcher: TableMatcher
  encoder: ChangeEncoder
  /** Resolves once Kafka acknowledged every message (a KafkaSender's send). */
  send(messages: readonly OutMessage[]): Promise<void>
  store: CheckpointStore
  batch: { maxMessages: number; maxBytes: number }
  checkpointIntervalMs: number
  log: SourceLogger
  /** Clock, ms (checkpoint times, seconds behind). */
  now(): number
  /** Binary columns per table, for rules rendering binary values as hex or utf8. */
  binaryColumns?: BinaryColumnCatalog
  /** Backoff of a failed send (delivery loop). Default 200 ms → 10 s. */
  retry?: Backoff
  /** Backoff of a reader that cannot start, and of a failed catalog read. Default 500 ms → 30 s. */
  startRetry?: Backoff
  report?: SourceRunnerReport
  /** Builds the reader; default createBinlogReader. */
  createReader?(options: BinlogReaderOptions): SourceReader
}

export interface SourceRunner {
  readonly id: string
  /** Resolves when the source has stopped ('stopped') or died ('failed'). */
  run(): Promise<'stopped' | 'failed'>
  /** Stops reading, delivers what is complete, writes the final checkpoint. */
  stop(): Promise<void>
  /** Gives up on unacknowledged batches (shutdown deadline). */
  abort(): void
  /** Restarts the reader from the last commit pulled (after a rule reload); unblocks a blocked source. */
  requestRestart(reason: string): void
  state(): SourceState
  health(): { ok: boolean; detail: string }
  /**
   * Source time of the last acknowledged transaction (or of the first event pulled) behind
   * now, in seconds; 0 when nothing is waiting to be read or delivered.
   */
  secondsBehind(): number
  /** The last checkpoint written. */
  checkpoint(): { position: BinlogPosition; savedAt: number } | undefined
}

const optionKeys = [
  'id',
  'reader',
  'start',
  'matcher',
  'encoder',
  'send',
  'store',
  'batch',
  'checkpointIntervalMs',
  'log',
  'now',
  'binaryColumns',
  'retry',
  'startRetry',
  'report',
  'createReader',
]
export const defaultStartRetry: Backoff = { initialDelayMs: 500, maxDelayMs: 30_000 }

const SIGNAL = Symbol('signal')
type Outcome = 'stop' | 'restart' | { error: unknown }

const backoffDelay = (b: Backoff, attempt: number) =>
  Math.min(b.maxDelayMs, b.initialDelayMs * 2 ** Math.min(attempt - 1, 30))

function checkBackoff(name: string, b: Backoff | undefined): void {
  if (b === undefined) return
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0
  if (typeof b !== 'object' || b === null || !ok(b.initialDelayMs) || !ok(b.maxDelayMs)) {
    throw new DeliveryError(
      'DELIVERY_OPTIONS',
      `options.${name} must be { initialDelayMs, maxDelayMs } with integers >= 0, received ${describe(b)}`,
    )
  }
}

export function createSourceRunner(o: SourceRunnerOptions): SourceRunner {
  checkOptions('createSourceRunner', o, optionKeys)
  for (const name of ['send', 'now'] as const) {
    if (typeof o[name] !== 'function')
      throw new DeliveryError(
        'DELIVERY_OPTIONS',
        `options.${name} must be a function, received ${describe(o[name])}`,
      )
  }
  checkBackoff('retry', o.retry)
  checkBackoff('startRetry', o.startRetry)
  const { id, log } = o
  const report = o.report ?? {}
  const startRetry = o.startRetry ?? defaultStartRetry
  const createReader = o.createReader ?? createBinlogReader

  let state: SourceState = 'starting'
  let detail = 'starting'
  let stopping = false
  let restartReason: string | undefined
  let wake: () => void = () => {}
  let signal = new Promise<typeof SIGNAL>((r) => (wake = () => r(SIGNAL)))
  const resetSignal = () => {
    signal = new Promise<typeof SIGNAL>((r) => (wake = () => r(SIGNAL)))
  }
  let reader: SourceReader | undefined
  let runPromise: Promise<'stopped' | 'failed'> | undefined
  let lastAckedEventTime: number | undefined
  let firstPulledTime: number | undefined

  const checkpoints = createCheckpointWriter({
    store: o.store,
    intervalMs: o.checkpointIntervalMs,
    now: o.now,
    onSaved: (position, savedAt) => report.checkpointSaved?.(position, savedAt),
    onError(error) {
      report.error?.(codeOf(error, 'DELIVERY_CHECKPOINT'), error)
      log.error('checkpoint write failed; the previous checkpoint stays', { error })
    },
  })
  const delivery = createDeliveryLoop<BinlogPosition>({
    send: o.send,
    maxMessages: o.batch.maxMessages,
    maxBytes: o.batch.maxBytes,
    ...(o.retry ? { retry: o.retry } : {}),
    onDelivered(batch) {
      if (batch.boundary) {
        lastAckedEventTime = batch.boundary.timestamp
        checkpoints.advance(batch.boundary.position)
      }
      report.delivered?.(batch)
    },
    onSendError(error, attempt, delayMs) {
      report.sendFailed?.(error, attempt, delayMs)
      report.error?.(codeOf(error, 'DELIVERY_KAFKA'), error)
      log.warn('kafka send failed; retrying the batch', { attempt, delayMs, error })
    },
  })
  const builder = createChangeBuilder(
    o.matcher,
    o.encoder,
    o.binaryColumns ? { binaryColumns: o.binaryColumns } : {},
  )
  const handler = createEventHandler({
    builder,
    delivery,
    log,
    report,
    ...(o.binaryColumns ? { binaryColumns: o.binaryColumns } : {}),
  })

  const setState = (s: SourceState, d: string) => {
    state = s
    detail = d
    report.state?.(s, d)
  }
  const sleep = (ms: number) =>
    Promise.race([new Promise((res) => setTimeout(res, ms)), signal]).then(() => undefined)

  const makeReader = (start: StartPosition): SourceReader =>
    createReader({
      logger: log,
      ...o.reader,
      start,
      tables: (db, table) => {
        try {
          return o.matcher.match(db, table) !== undefined
        } catch {
          return true // decoded, so mapping reports the rule error instead of a silent skip
        }
      },
    })

  /** Waits until the builder can map `event` (a catalog read), retrying a failed read. */
  /** Waits until `event`'s table columns are known (`first`: what builder.prepare returned). */
  async function prepare(
    event: ReaderEvent & { kind: 'insert' | 'update' | 'delete' },
    first: Promise<unknown>,
  ): Promise<Outcome | undefined> {
    let attempt = 0
    let ready: Promise<unknown> | undefined = first
    for (; ; ready = builder.prepare(event)) {
      if (ready === undefined) return undefined
      ready.catch(() => {})
      try {
        await Promise.race([ready, signal])
      } catch (err) {
        attempt++
        const delay = backoffDelay(startRetry, attempt)
        const code = codeOf(err, 'DELIVERY_SCHEMA')
        report.error?.(code, err)
        log.warn('table columns cannot be read; retrying', {
          code,
          table: `${event.database}.${event.table}`,
          error: (err as Error).message,
          attempt,
          delayMs: delay,
        })
        await sleep(delay)
      }
      if (stopping) return 'stop'
      if (restartReason !== undefined) return 'restart'
    }
  }

  async function consume(r: SourceReader): Promise<Outcome> {
    const it = r.events()
    for (;;) {
      if (delivery.full && !stopping && restartReason === undefined)
        await Promise.race([delivery.waitForRoom(), signal])
      if (stopping) return 'stop'
      if (restartReason !== undefined) return 'restart'
      // Events already decoded are taken at once; only an empty queue is waited on (a race
      // with the stop/reload signal, and promises per event, cost a few µs each: as much as
      // a small transaction's own work)
      let event = r.tryNext?.()
      if (event === undefined) {
        const next = it.next()
        next.catch(() => {})
        let result: IteratorResult<ReaderEvent> | typeof SIGNAL
        try {
          result = await Promise.race([next, signal])
        } catch (err) {
          return { error: err }
        }
        if (result === SIGNAL || stopping) continue
        // decoded before the reload, perhaps through the old filter: read it again
        if (restartReason !== undefined) return 'restart'
        if (result.done)
          return stopping ? 'stop' : { error: new Error('the binlog reader ended unexpectedly') }
        event = result.value
      }
      firstPulledTime ??= event.timestamp
      if (event.kind === 'insert' || event.kind === 'update' || event.kind === 'delete') {
        const ready = builder.prepare(event)
        if (ready !== undefined) {
          const unprepared = await prepare(event, ready)
          if (unprepared !== undefined) return unprepared
        }
      }
      try {
        handler.handle(event)
      } catch (err) {
        const code = codeOf(err, 'MAP')
        setState('blocked', `a row cannot be mapped: ${(err as Error).message}`)
        report.error?.(code, err)
        log.error('source blocked: a row cannot be mapped; fix the rules (reloaded on change or SIGHUP)', {
          code: (err as { code?: string }).code,
          error: (err as Error).message,
        })
        await signal
        return stopping ? 'stop' : 'restart'
      }
    }
  }

  async function startReader(start: StartPosition): Promise<SourceReader | 'stop' | { error: unknown }> {
    let attempt = 0
    for (;;) {
      if (stopping) return 'stop'
      const r = makeReader(start)
      reader = r
      try {
        await r.start()
        return r
      } catch (err) {
        await r.stop().catch(() => {})
        if (!isBinlogError(err) || !err.retriable) return { error: err }
        attempt++
        const delay = backoffDelay(startRetry, attempt)
        report.error?.(err.code, err)
        setState('starting', `cannot connect: ${err.message}`)
        log.warn('binlog reader cannot start; retrying', {
          code: err.code,
          error: err.message,
          attempt,
          delayMs: delay,
        })
        await sleep(delay)
      }
    }
  }

  async function run(): Promise<'stopped' | 'failed'> {
    let start: StartPosition
    try {
      const saved = await o.store.load()
      start = saved ? { file: saved.file, pos: saved.pos } : o.start
      log.info('source starting', {
        from: saved ? 'checkpoint' : 'config',
        start,
        checkpoint: o.store.location,
      })
    } catch (err) {
      return finish({ error: err })
    }
    for (;;) {
      resetSignal()
      restartReason = undefined
      if (stopping) return finish('stop')
      const r = await startReader(start)
      if (r === 'stop' || !('events' in r)) return finish(r)
      setState('running', 'streaming')
      handler.resetResume(start)
      const outcome = await consume(r)
      await r.stop().catch(() => {})
      delivery.dropUncommitted()
      if (outcome !== 'restart') return finish(outcome)
      const reason = restartReason ?? 'rules reloaded'
      start = handler.resumePoint() ?? start
      report.readerRestarted?.(reason, start)
      log.info('binlog reader restarting', { reason, from: start })
      setState('starting', 'restarting the reader')
    }
  }

  async function finish(outcome: 'stop' | { error: unknown }): Promise<'stopped' | 'failed'> {
    await delivery.flush()
    await checkpoints.flush()
    checkpoints.close()
    const last = checkpoints.last()
    if (outcome === 'stop') {
      setState('stopped', 'stopped')
      log.info('source stopped', { checkpoint: last?.position })
      return 'stopped'
    }
    const err = outcome.error as { code?: string; message?: string }
    setState('failed', `${err.code ?? 'ERROR'}: ${err.message}`)
    report.error?.(err.code ?? 'ERROR', outcome.error)
    log.error(`source ${id} stopped for good: ${err.code ?? 'error'}: ${err.message}`, {
      code: err.code,
      checkpoint: last?.position,
    })
    return 'failed'
  }

  return {
    id,
    run() {
      runPromise ??= run()
      return runPromise
    },
    async stop() {
      stopping = true
      wake()
      if (runPromise) await runPromise
    },
    abort() {
      delivery.close()
    },
    requestRestart(reason) {
      if (state === 'stopped' || state === 'failed') return
      restartReason = reason
      wake()
    },
    state: () => state,
    health: () => ({ ok: state === 'running', detail }),
    secondsBehind() {
      if (state === 'stopped' || state === 'failed') return 0
      const queued = reader?.stats().queuedEvents ?? 0
      const since = lastAckedEventTime ?? firstPulledTime
      if ((delivery.idle && queued === 0) || since === undefined) return 0
      return Math.max(0, (o.now() - since) / 1000)
    },
    checkpoint: () => checkpoints.last(),
  }
}

function codeOf(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : fallback
}
