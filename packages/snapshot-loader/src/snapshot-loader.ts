// The snapshot of a scope (one table, or every shard of a rule), grouped by batch topic:
//
//   for each batch topic:  snapshot-begin → every table's chunks (rows, chunk-done) → snapshot-end
//
// Progress is saved after every chunk-done and after begin/end, so a resumed run skips
// whatever was acknowledged and re-sends at most the chunk that was in flight (an upsert of
// the same rows, read at a later position: harmless under the handoff rule).

import { randomUUID } from 'node:crypto'
import { createValueRenderer, prepareSelectSession, selectConnectionOptions } from '@sync/binlog-reader'
import { comparePositions, parsePosition } from '@sync/change-message'
import type { TablePlan } from '@sync/table-matcher'
import mysql, { type Connection } from 'mysql2'
import { combineChecksums } from './checksum.ts'
import type { QueryRunner } from './chunk-key.ts'
import { controlMessages } from './control.ts'
import { checkScope, discoverTables, type FoundTable, type SnapshotScope, scopeName } from './discover.ts'
import { mysqlError, SnapshotError } from './errors.ts'
import { type ResolvedOptions, resolveOptions, type SnapshotLoaderOptions } from './options.ts'
import { beginConsistentRead, preparePositionMode, type ReadMode, type SnapshotPosition } from './position.ts'
import { rateAndEta, type SnapshotProgress } from './progress.ts'
import { buildReport, type SnapshotReport } from './report.ts'
import { createRowEncoder } from './row-encoder.ts'
import { sinkError } from './send-window.ts'
import { readServerZone } from './server-zone.ts'
import type { SnapshotState, TableProgress } from './state-store.ts'
import { abortError, snapshotTable } from './table-reader.ts'

export interface RunOptions {
  /** Cancels the run after the current send; progress up to the last completed chunk is kept. */
  signal?: AbortSignal
  /** Called after every completed chunk. */
  onProgress?: (progress: SnapshotProgress) => void
  /** Id of a new snapshot (default: a random UUID); a resumed snapshot keeps its saved id. */
  snapshotId?: string
}

export interface SnapshotLoader {
  /** Snapshots the scope into its batch topics; resumes saved progress of the same scope. */
  run(scope: SnapshotScope, options?: RunOptions): Promise<SnapshotReport>
}

const runKeys = new Set(['signal', 'onProgress', 'snapshotId'])

function checkRunOptions(o: RunOptions): void {
  if (typeof o !== 'object' || o === null)
    throw new SnapshotError('SNAP_OPTIONS', 'run options must be an object')
  for (const k of Object.keys(o)) {
    if (!runKeys.has(k))
      throw new SnapshotError('SNAP_OPTIONS', `run options.${k} is not a known option`, { option: k })
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new SnapshotError('SNAP_OPTIONS', 'run options.onProgress must be a function', {
      option: 'onProgress',
    })
  }
  if (
    o.snapshotId !== undefined &&
    (typeof o.snapshotId !== 'string' || !/^[\w.-]{1,100}$/.test(o.snapshotId))
  ) {
    throw new SnapshotError(
      'SNAP_OPTIONS',
      `run options.snapshotId must be 1-100 word characters, dots or dashes, received ${JSON.stringify(o.snapshotId)}`,
      { option: 'snapshotId' },
    )
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new SnapshotError('SNAP_OPTIONS', 'run options.signal must be an AbortSignal', { option: 'signal' })
  }
}

export function batchTopicOf(
  o: Pick<ResolvedOptions, 'batchTopic' | 'batchTopicSuffix'>,
  plan: TablePlan,
): string {
  if (o.batchTopic !== undefined) return o.batchTopic(plan)
  return plan.target.batchTopic ?? `${plan.target.topic}${o.batchTopicSuffix}`
}

export function createSnapshotLoader(options: SnapshotLoaderOptions): SnapshotLoader {
  const o = resolveOptions(options)
  const { logger, metrics, clock } = o

  async function connect(): Promise<{ core: Connection; conn: QueryRunner }> {
    const c = o.connection
    const core = mysql.createConnection({
      host: c.host,
      port: c.port ?? 3306,
      user: c.user,
      ...(c.password === undefined ? {} : { password: c.password }),
      ...(c.ssl === undefined ? {} : { ssl: c.ssl as never }),
      connectTimeout: c.connectTimeout ?? 10_000,
      ...selectConnectionOptions,
      multipleStatements: false,
    })
    const conn = core.promise() as unknown as QueryRunner
    await conn.query('SELECT 1')
    return { core, conn }
  }

  return {
    async run(scope, runOptions = {}) {
      checkScope(scope)
      checkRunOptions(runOptions)
      const { signal, onProgress } = runOptions
      if (signal?.aborted) throw abortError(signal)
      const started = clock.now()
      let core: Connection | undefined
      try {
        let conn: QueryRunner
        try {
          ;({ core, conn } = await connect())
        } catch (err) {
          throw mysqlError(err, 'connecting to the source')
        }
        const server = await readServerZone(conn, logger).catch((err) => {
          throw mysqlError(err, 'reading the server version and time zone')
        })
        const mode = await preparePositionMode(conn, o.positionMode, server.version, logger).catch((err) => {
          throw mysqlError(err, 'preparing to read binlog positions')
        })
        const renderer = createValueRenderer({ timeZone: o.timeZone ?? server.timeZone, metrics })
        await prepareSelectSession(conn)
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ')
        // a slow sink pauses the result stream; keep the server from dropping us meanwhile
        await conn.query('SET SESSION net_write_timeout = 3600')
        const encoder = createRowEncoder(o.cipher, o.format)

        const found = await discoverTables(conn, o.matcher, scope).catch((err) => {
          if (err instanceof SnapshotError || (err as { code?: string }).code?.startsWith('TM_')) throw err
          throw mysqlError(err, 'listing tables')
        })
        const state = await loadOrCreate(conn, scope, runOptions.snapshotId, mode)
        const resumed = Object.keys(state.tables).length > 0
        const groups = new Map<string, FoundTable[]>()
        for (const f of found) {
          const topic = batchTopicOf(o, f.plan)
          const id = `${f.database}.${f.table}`
          state.tables[id] ??= {
            database: f.database,
            table: f.table,
            target: f.plan.target.table,
            topic,
            done: false,
            lastKey: null,
            chunks: 0,
            rows: 0,
          }
          state.topics[topic] ??= { target: f.plan.target.table, begun: false, ended: false }
          const topicState = state.topics[topic]
          if (topicState.target !== f.plan.target.table) {
            throw new SnapshotError(
              'SNAP_OPTIONS',
              `batch topic ${topic} would receive two targets (${topicState.target} and ${f.plan.target.table})`,
              { topic, retriable: false },
            )
          }
          const list = groups.get(topic) ?? []
          list.push(f)
          groups.set(topic, list)
        }
        await save(state)

        const estimatedRows = found.reduce((n, f) => n + f.estimatedRows, 0)
        const totalTables = found.length
        const rowsAtStart = Object.values(state.tables).reduce((n, t) => n + t.rows, 0)
        let rowsThisRun = 0

        for (const [topic, tables] of groups) {
          const topicState = state.topics[topic] as SnapshotState['topics'][string]
          const target = topicState.target
          if (topicState.ended) continue
          const partitions = await o.sink.partitionCount(topic).catch((err: unknown) => {
            throw sinkError(err, topic)
          })
          if (!Number.isInteger(partitions) || partitions < 1) {
            throw new SnapshotError('SNAP_SINK', `topic ${topic} has ${String(partitions)} partitions`, {
              topic,
            })
          }
          if (!topicState.begun) {
            const begin = controlMessages(
              o.cipher,
              {
                type: 'snapshot-begin',
                snapshotId: state.snapshotId,
                target,
                tables: tables.map((t) => `${t.database}.${t.table}`),
                startedAt: state.startedAt,
              },
              partitions,
              startPositionOf(state),
            )
            await o.sink.send(topic, begin).catch((err: unknown) => {
              throw sinkError(err, topic)
            })
            topicState.begun = true
            await save(state)
          }
          for (const f of tables) {
            const progress = state.tables[`${f.database}.${f.table}`] as TableProgress
            if (progress.done) continue
            logger.info('snapshot of a table starting', {
              snapshotId: state.snapshotId,
              table: `${f.database}.${f.table}`,
              topic,
              resumeAfterChunk: progress.chunks,
            })
            await snapshotTable(
              {
                core: core as Connection,
                conn,
                renderer,
                encoder,
                cipher: o.cipher,
                sink: o.sink,
                mode,
                snapshotId: state.snapshotId,
                chunkRows: o.chunkRows,
                sendBatchRows: o.sendBatchRows,
                maxInFlightSends: o.maxInFlightSends,
                maxInFlightBytes: o.maxInFlightBytes,
                metrics,
                checksum: o.checksum,
                partitions,
                clock,
                signal,
                chunkDone: async (p, rows) => {
                  rowsThisRun += rows
                  await save(state)
                  metrics.increment('snapshot_rows_total', rows, { target })
                  metrics.increment('snapshot_chunks_total', 1, { target })
                  const elapsedMs = clock.now() - started
                  const rowsDone = rowsAtStart + rowsThisRun
                  const { rowsPerSecond, etaSeconds } = rateAndEta(
                    rowsThisRun,
                    elapsedMs,
                    rowsDone,
                    estimatedRows,
                  )
                  metrics.gauge('snapshot_rows_per_second', rowsPerSecond, { target })
                  onProgress?.({
                    snapshotId: state.snapshotId,
                    table: `${p.database}.${p.table}`,
                    target,
                    topic,
                    rows: rowsDone,
                    tableRows: p.rows,
                    estimatedRows: Math.max(estimatedRows, rowsDone),
                    tablesDone: Object.values(state.tables).filter((t) => t.done).length,
                    tablesTotal: totalTables,
                    chunks: p.chunks,
                    rowsPerSecond,
                    etaSeconds,
                    elapsedMs,
                  })
                },
              },
              f,
              topic,
              progress,
            )
          }
          const mine = Object.values(state.tables).filter((t) => t.topic === topic)
          const counts: Record<string, number> = {}
          for (const t of mine) counts[`${t.database}.${t.table}`] = t.rows
          const last = latestPosition(mine)
          const end = controlMessages(
            o.cipher,
            {
              type: 'snapshot-end',
              snapshotId: state.snapshotId,
              target,
              counts,
              ...(o.checksum ? { checksum: combineChecksums(mine.map((t) => t.checksum ?? '0')) } : {}),
              position: last === undefined ? (state.startPosition ?? '') : `${last.file}:${last.pos}`,
            },
            partitions,
            last,
          )
          await o.sink.send(topic, end).catch((err: unknown) => {
            throw sinkError(err, topic)
          })
          topicState.ended = true
          await save(state)
          logger.info('snapshot of a target complete', {
            snapshotId: state.snapshotId,
            target,
            topic,
            counts,
          })
        }
        return buildReport(state, o.checksum, resumed, rowsThisRun, clock.now() - started)
      } finally {
        core?.destroy()
      }
    },
  }

  async function save(state: SnapshotState): Promise<void> {
    if (o.stateStore !== undefined) await o.stateStore.save(state)
  }

  async function loadOrCreate(
    conn: QueryRunner,
    scope: SnapshotScope,
    snapshotId: string | undefined,
    mode: ReadMode,
  ): Promise<SnapshotState> {
    const saved = o.stateStore === undefined ? undefined : await o.stateStore.load()
    const name = scopeName(scope)
    if (saved !== undefined) {
      if (saved.scope !== name || (snapshotId !== undefined && snapshotId !== saved.snapshotId)) {
        throw new SnapshotError(
          'SNAP_STATE',
          `the saved progress belongs to snapshot ${saved.snapshotId} of ${saved.scope}, not to ${snapshotId ?? 'a new snapshot'} of ${name}; remove it to start over`,
          { retriable: false },
        )
      }
      return saved
    }
    let start: SnapshotPosition
    try {
      start = await beginConsistentRead(conn, mode)
      await conn.query('COMMIT')
    } catch (err) {
      throw mysqlError(err, 'reading the start position')
    }
    return {
      version: 1,
      snapshotId: snapshotId ?? randomUUID(),
      scope: name,
      startedAt: clock.now(),
      startPosition: `${start.file}:${start.pos}`,
      ...(start.gtid === undefined ? {} : { startGtid: start.gtid }),
      tables: {},
      topics: {},
    }
  }
}

function startPositionOf(state: SnapshotState): SnapshotPosition | undefined {
  const p = state.startPosition === undefined ? undefined : parsePosition(state.startPosition)
  if (p === undefined) return undefined
  return state.startGtid === undefined ? p : { ...p, gtid: state.startGtid }
}

function latestPosition(tables: readonly TableProgress[]): SnapshotPosition | undefined {
  let best: SnapshotPosition | undefined
  for (const t of tables) {
    const p = t.position === undefined ? undefined : parsePosition(t.position)
    if (p === undefined) continue
    if (best === undefined || comparePositions(p, best) > 0)
      best = t.gtid === undefined ? p : { ...p, gtid: t.gtid }
  }
  return best
}
