// One source: binlog reader → matcher/plan → encoder → delivery loop → checkpoint.
//
// States: starting → running ⇄ blocked → (stopped | failed); running → starting again when
// the reader is restarted (a reloaded rule set: the reader memoises its table filter, so a
// new reader is the only way to make it ask the new rules; it resumes from the last commit
// pulled, and the open batch's unfinished transaction is dropped to be read again).
// blocked: a row could not be mapped (TM_UNMAPPED_COLUMN with policy "error", TM_AMBIGUOUS):
// nothing after it is shipped until a rule reload, then the transaction is read again.
// failed: the reader hit a fatal error (purged binlog, refused login, lost privileges);
// what was complete before it is still delivered and checkpointed.

import {
  type BinlogPosition,
  type BinlogReader,
  type BinlogReaderOptions,
  createBinlogReader,
  isBinlogError,
  type ReaderEvent,
  type StartPosition,
} from '@sync/binlog-reader'
import type { ChangeEncoder } from '@sync/change-message'
import {
  type BinaryColumnCatalog,
  type CheckpointStore,
  createChangeBuilder,
  createCheckpointWriter,
  createDeliveryLoop,
  type DeliveredBatch,
  type OutMessage,
} from '@sync/delivery'
import type { SourceConfig } from './config.ts'
import type { RuleSource } from './rule-source.ts'
import type { Log, Metrics } from './shipper-metrics.ts'
import { EventHandler } from './source-events.ts'

export type SourceState = 'starting' | 'running' | 'blocked' | 'stopped' | 'failed'

export interface SourcePipelineOptions {
  source: SourceConfig
  rules: RuleSource
  encoder: ChangeEncoder
  send(messages: readonly OutMessage[]): Promise<void>
  store: CheckpointStore
  batch: { maxMessages: number; maxBytes: number }
  checkpointIntervalMs: number
  log: Log
  metrics: Metrics
  now(): number
  retry?: { initialDelayMs: number; maxDelayMs: number }
  /** Extra reader options (heartbeat, reconnect) for tests and tuning. */
  reader?: Partial<Omit<BinlogReaderOptions, 'connection' | 'serverId' | 'start' | 'tables'>>
  /** Called after each acknowledged batch (benchmarks measure latency with it). */
  onDelivered?(batch: DeliveredBatch<BinlogPosition>): void
  /** Binary columns per table, for rules rendering binary values as hex or utf8. */
  binaryColumns?: BinaryColumnCatalog
}

export interface SourcePipeline {
  readonly id: string
  /** Resolves when the source has stopped ('stopped') or died ('failed'). */
  run(): Promise<'stopped' | 'failed'>
  /** Stops reading, delivers what is complete, writes the final checkpoint. */
  stop(): Promise<void>
  /** Gives up on unacknowledged batches (shutdown deadline). */
  abort(): void
  requestRestart(reason: string): void
  state(): SourceState
  health(): { ok: boolean; detail: string }
}

const SIGNAL = Symbol('signal')

export function createSourcePipeline(o: SourcePipelineOptions): SourcePipeline {
  const { source, log, metrics } = o
  const labels = { source: source.id }
  let state: SourceState = 'starting'
  let detail = 'starting'
  let stopping = false
  let restartReason: string | undefined
  let wake: () => void = () => {}
  let signal = new Promise<typeof SIGNAL>((r) => (wake = () => r(SIGNAL)))
  const resetSignal = () => {
    signal = new Promise<typeof SIGNAL>((r) => (wake = () => r(SIGNAL)))
  }
  let reader: BinlogReader | undefined
  let runPromise: Promise<'stopped' | 'failed'> | undefined
  let lastAckedEventTime: number | undefined
  let firstPulledTime: number | undefined

  const checkpoints = createCheckpointWriter({
    store: o.store,
    intervalMs: o.checkpointIntervalMs,
    now: o.now,
    onSaved(position, savedAt) {
      metrics.gauge('shipper_checkpoint_pos', position.pos, labels)
      const seq = Number(/\.(\d+)$/.exec(position.file)?.[1] ?? Number.NaN)
      if (Number.isFinite(seq)) metrics.gauge('shipper_checkpoint_file_seq', seq, labels)
      metrics.gauge('shipper_checkpoint_saved_seconds', Math.floor(savedAt / 1000), labels)
    },
    onError(error) {
      metrics.increment('shipper_errors', 1, { ...labels, code: 'SHIP_CHECKPOINT' })
      log.error('checkpoint write failed; the previous checkpoint stays', { error })
    },
  })
  const delivery = createDeliveryLoop<BinlogPosition>({
    send: o.send,
    maxMessages: o.batch.maxMessages,
    maxBytes: o.batch.maxBytes,
    ...(o.retry ? { retry: o.retry } : {}),
    onDelivered(batch) {
      const perRule = new Map<string, number>()
      for (const m of batch.messages) perRule.set(m.rule, (perRule.get(m.rule) ?? 0) + 1)
      for (const [rule, n] of perRule) metrics.increment('shipper_rows_sent', n, { ...labels, rule })
      metrics.increment('shipper_messages_sent', batch.messages.length, labels)
      metrics.increment('shipper_bytes_sent', batch.bytes, labels)
      if (batch.boundary) {
        lastAckedEventTime = batch.boundary.timestamp
        checkpoints.advance(batch.boundary.position)
      }
      o.onDelivered?.(batch)
    },
    onSendError(error, attempt, delayMs) {
      metrics.increment('shipper_kafka_send_failures', 1, labels)
      metrics.increment('shipper_errors', 1, { ...labels, code: 'SHIP_KAFKA' })
      log.warn('kafka send failed; retrying the batch', { attempt, delayMs, error })
    },
  })
  const builder = createChangeBuilder(
    o.rules.matcher,
    o.encoder,
    o.binaryColumns ? { binaryColumns: o.binaryColumns } : {},
  )
  const handler = new EventHandler({
    sourceId: source.id,
    builder,
    delivery,
    log,
    metrics,
    ...(o.binaryColumns ? { binaryColumns: o.binaryColumns } : {}),
  })

  const gaugeTimer = setInterval(() => {
    const queued = reader?.stats().queuedEvents ?? 0
    const idle = delivery.idle && queued === 0
    const since = lastAckedEventTime ?? firstPulledTime
    const behind = idle || since === undefined ? 0 : Math.max(0, (o.now() - since) / 1000)
    metrics.gauge('shipper_seconds_behind_source', behind, labels)
  }, 1000)
  gaugeTimer.unref?.()

  const setState = (s: SourceState, d: string) => {
    state = s
    detail = d
    metrics.gauge('shipper_source_up', s === 'running' || s === 'blocked' ? 1 : 0, labels)
    metrics.gauge('shipper_source_blocked', s === 'blocked' ? 1 : 0, labels)
  }

  const makeReader = (start: StartPosition): BinlogReader =>
    createBinlogReader({
      ...o.reader,
      connection: source.connection,
      serverId: source.serverId,
      start,
      tables: (db, table) => {
        try {
          return o.rules.matcher.match(db, table) !== undefined
        } catch {
          return true // decoded, so mapping reports the rule error instead of a silent skip
        }
      },
      ...(source.timeZone !== undefined ? { timeZone: source.timeZone } : {}),
      highWaterMark: source.highWaterMark,
      logger: log,
      metrics,
    })

  type Outcome = 'stop' | 'restart' | { error: unknown }

  /** Waits until the builder can map `event` (a catalog read), retrying a failed read. */
  async function prepare(event: ReaderEvent): Promise<Outcome | undefined> {
    if (event.kind !== 'insert' && event.kind !== 'update' && event.kind !== 'delete') return undefined
    let attempt = 0
    for (;;) {
      const ready = builder.prepare(event)
      if (ready === undefined) return undefined
      ready.catch(() => {})
      try {
        await Promise.race([ready, signal])
      } catch (err) {
        attempt++
        const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7))
        const code = (err as { code?: string }).code ?? 'ERROR'
        metrics.increment('shipper_errors', 1, { ...labels, code })
        log.warn('table columns cannot be read; retrying', {
          code,
          table: `${event.database}.${event.table}`,
          error: (err as Error).message,
          attempt,
          delayMs: delay,
        })
        await Promise.race([new Promise((res) => setTimeout(res, delay)), signal])
      }
      if (stopping) return 'stop'
      if (restartReason !== undefined) return 'restart'
    }
  }

  async function consume(r: BinlogReader): Promise<Outcome> {
    const it = r.events()
    for (;;) {
      if (delivery.full && !stopping && restartReason === undefined)
        await Promise.race([delivery.waitForRoom(), signal])
      if (stopping) return 'stop'
      if (restartReason !== undefined) return 'restart'
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
      if (result.done) return stopping ? 'stop' : { error: new Error('the binlog reader ended unexpectedly') }
      firstPulledTime ??= result.value.timestamp
      const unprepared = await prepare(result.value)
      if (unprepared !== undefined) return unprepared
      try {
        handler.handle(result.value)
      } catch (err) {
        setState('blocked', `a row cannot be mapped: ${(err as Error).message}`)
        metrics.increment('shipper_errors', 1, {
          ...labels,
          code: String((err as { code?: string }).code ?? 'MAP'),
        })
        log.error('source blocked: a row cannot be mapped; fix the rules (reloaded on change or SIGHUP)', {
          code: (err as { code?: string }).code,
          error: (err as Error).message,
        })
        await signal
        return stopping ? 'stop' : 'restart'
      }
    }
  }

  async function startReader(start: StartPosition): Promise<BinlogReader | 'stop' | { error: unknown }> {
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
        const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7))
        metrics.increment('shipper_errors', 1, { ...labels, code: err.code })
        setState('starting', `cannot connect: ${err.message}`)
        log.warn('binlog reader cannot start; retrying', {
          code: err.code,
          error: err.message,
          attempt,
          delayMs: delay,
        })
        await Promise.race([new Promise((res) => setTimeout(res, delay)), signal])
      }
    }
  }

  async function run(): Promise<'stopped' | 'failed'> {
    let start: StartPosition
    try {
      const saved = await o.store.load()
      start = saved ? { file: saved.file, pos: saved.pos } : source.start
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
      start = handler.resumePoint() ?? start
      metrics.increment('shipper_reader_restarts', 1, labels)
      log.info('binlog reader restarting', { reason: restartReason ?? 'rules reloaded', from: start })
      setState('starting', 'restarting the reader')
    }
  }

  async function finish(outcome: 'stop' | { error: unknown }): Promise<'stopped' | 'failed'> {
    clearInterval(gaugeTimer)
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
    metrics.increment('shipper_errors', 1, { ...labels, code: err.code ?? 'ERROR' })
    log.error(`source ${source.id} stopped for good: ${err.code ?? 'error'}: ${err.message}`, {
      code: err.code,
      checkpoint: last?.position,
    })
    return 'failed'
  }

  return {
    id: source.id,
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
  }
}
