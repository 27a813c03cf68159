// One physical table, chunk by chunk.
//
// Per chunk k: open a consistent read and take its binlog position S_k; stream the next
// `chunkRows` rows after the last key (keyset pagination, key order); render, map, key
// and seal each row and send it in batches; commit (the read view is released, no lock
// was taken). Then, while chunk k+1 is already being read: wait until the sink acknowledged
// every row of chunk k, write chunk-done(k, S_k) to every partition, and save progress.
// Chunk-done k is therefore always behind all rows of chunk k on every partition, and
// progress never claims a chunk whose rows are not acknowledged.
//
// All chunks of the table share one send window (src/send-window.ts): reading waits while
// `maxInFlightSends` sends or `maxInFlightBytes` bytes are unacknowledged, whatever the
// chunk size, and the first failed send stops the reading at the next row.

import { type ColumnSpec, loadTableColumns, selectList, type ValueRenderer } from '@sync/binlog-reader'
import { type SealingCipher, stringifyCanonical } from '@sync/change-message'
import type { TablePlan } from '@sync/table-matcher'
import type { Connection } from 'mysql2'
import { combineChecksums, createRowChecksum } from './checksum.ts'
import { chunkQuery, findChunkKey, type QueryRunner } from './chunk-key.ts'
import { controlMessages } from './control.ts'
import type { FoundTable } from './discover.ts'
import { mysqlError, SnapshotError } from './errors.ts'
import { beginConsistentRead, type ReadMode, type SnapshotPosition } from './position.ts'
import type { RowEncoder, ShapeWriter } from './row-encoder.ts'
import { createSendWindow } from './send-window.ts'
import { decodeKeyValue, encodeKeyValue, type TableProgress } from './state-store.ts'
import type { Clock, Metrics, SinkMessage, SnapshotSink } from './types.ts'

export interface TableReaderContext {
  core: Connection
  conn: QueryRunner
  renderer: ValueRenderer
  encoder: RowEncoder
  cipher: SealingCipher
  sink: SnapshotSink
  mode: ReadMode
  snapshotId: string
  chunkRows: number
  sendBatchRows: number
  maxInFlightSends: number
  maxInFlightBytes: number
  checksum: boolean
  partitions: number
  clock: Clock
  metrics: Metrics
  signal: AbortSignal | undefined
  /** Called after chunk k is acknowledged and its chunk-done sent; saves progress. */
  chunkDone(progress: TableProgress, rows: number): Promise<void>
}

export function abortError(
  signal: AbortSignal,
  where: { database?: string; table?: string } = {},
): SnapshotError {
  return new SnapshotError(
    'SNAP_ABORTED',
    'the snapshot was cancelled; it resumes from the last completed chunk',
    {
      cause: signal.reason,
      ...where,
    },
  )
}

/** The rule's key, or the table's own chunk key when the rule declares none (as the stream keys by the table's key). */
function keyPlanFor(plan: TablePlan, keyColumns: readonly string[]): TablePlan {
  const declared = plan.keyColumns.filter((c) => !(c in plan.extraColumns))
  return declared.length > 0 ? plan : plan.withSourceKey(keyColumns)
}

/** Integers and decimals go back into the keyset condition as literals, never as quoted text compared as a double. */
function keyParam(spec: ColumnSpec): (value: unknown) => unknown {
  if (spec.kind !== 'int' && spec.kind !== 'decimal') return (v) => v
  return (v) => {
    const text = String(v)
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new TypeError(`key column ${spec.name}: not a number: ${text}`)
    return { toSqlString: () => text }
  }
}

export async function snapshotTable(
  ctx: TableReaderContext,
  found: FoundTable,
  topic: string,
  progress: TableProgress,
): Promise<void> {
  const { database, table, plan } = found
  const where = { database, table }
  const specs = await loadTableColumns(ctx.conn, database, table).catch((err) => {
    throw mysqlError(err, 'reading the table columns', where)
  })
  const unsupported = specs.find((s) => s.kind === 'unsupported')
  if (unsupported !== undefined) {
    throw new SnapshotError(
      'SNAP_ROW',
      `column ${database}.${table}.${unsupported.name} has type ${unsupported.typeName}, which has no canonical rendering`,
      { ...where, retriable: false },
    )
  }
  const key = await findChunkKey(ctx.conn, database, table)
  const keySpecs = key.columns.map((c) => specs.find((s) => s.name === c) as ColumnSpec)
  const toParams = keySpecs.map(keyParam)
  const keyPlan = keyPlanFor(plan, key.columns)
  const select = selectList(specs)
  const call = { binaryEncoding: plan.binaryEncoding, database, table }
  const target = plan.target.table

  let last: unknown[] | null = progress.lastKey === null ? null : progress.lastKey.map(decodeKeyValue)
  let chunk = progress.chunks
  let pending: Promise<void> | undefined
  // one window for every chunk of the table: a new chunk waits for the sends of the last
  const window = createSendWindow(ctx.sink, {
    maxSends: ctx.maxInFlightSends,
    maxBytes: ctx.maxInFlightBytes,
    onRowsInFlight: (n) => ctx.metrics.gauge('snapshot_rows_in_flight', n, { target }),
  })

  const checkAbort = () => {
    if (ctx.signal?.aborted) throw abortError(ctx.signal, where)
  }

  try {
    for (;;) {
      checkAbort()
      if (window.failure) throw window.failure
      chunk += 1
      let position: SnapshotPosition
      try {
        position = await beginConsistentRead(ctx.conn, ctx.mode, where)
      } catch (err) {
        throw mysqlError(err, 'opening a consistent read', { ...where, chunk })
      }
      const pos = `${position.file}:${position.pos}`
      const source = {
        database,
        table,
        kind: 'snapshot' as const,
        timestamp: ctx.clock.now(),
        binlogFile: position.file,
        binlogPos: position.pos,
        gtid: position.gtid,
        target,
      }
      const headers = ctx.encoder.chunkHeaders(source, ctx.snapshotId, chunk)
      // what a message weighs besides its key and value
      let headerBytes = 0
      for (const k in headers) headerBytes += k.length + (headers[k] as string).length
      const sum = ctx.checksum ? createRowChecksum() : undefined
      const q = chunkQuery(
        database,
        table,
        select,
        key.columns,
        ctx.chunkRows,
        last === null ? null : last.map((v, i) => (toParams[i] as (x: unknown) => unknown)(v)),
      )
      let batch: SinkMessage[] = []
      let batchBytes = 0
      let rows = 0
      let lastRow: Record<string, unknown> | undefined
      // every row of the chunk comes out of one projection: one shape, one writer
      let writer: ShapeWriter | undefined
      try {
        await streamRows(ctx.core, q.sql, q.params, (raw) => {
          // a failed send (or chunk-done) stops the reading at once, not at the end of the table
          if (window.failure) throw window.failure
          let message: SinkMessage
          try {
            const mapped = keyPlan.mapRow(ctx.renderer.renderRow(specs, raw, call))
            if (writer === undefined) writer = ctx.encoder.writerFor(mapped, keyPlan.keyColumns, source)
            message = { key: writer.key(mapped), value: writer.value(mapped), headers }
            if (sum !== undefined) sum.add(stringifyCanonical(mapped))
          } catch (cause) {
            throw new SnapshotError(
              'SNAP_ROW',
              `a row of ${database}.${table} cannot be sent: ${(cause as Error).message}`,
              {
                cause,
                ...where,
                chunk,
                retriable: false,
              },
            )
          }
          batch.push(message)
          batchBytes += message.key.length + message.value.length + headerBytes
          rows++
          lastRow = raw
          if (batch.length >= ctx.sendBatchRows || batchBytes >= window.batchBytesLimit) {
            const full = batch
            const size = batchBytes
            batch = []
            batchBytes = 0
            return window.push(topic, full, size).then(checkAbort)
          }
          return undefined
        })
      } catch (err) {
        if (err instanceof SnapshotError) throw err
        throw mysqlError(err, 'reading a chunk', { ...where, chunk })
      }
      await ctx.conn.query('COMMIT').catch((err) => {
        throw mysqlError(err, 'ending a consistent read', { ...where, chunk })
      })
      if (batch.length > 0) await window.push(topic, batch, batchBytes)
      // every send of this chunk is pushed: this resolves once all of them are acknowledged
      const acknowledged = window.barrier()
      acknowledged.catch(() => {})
      const nextLast = lastRow === undefined ? last : key.columns.map((c) => lastRow?.[c])
      const finished = rows < ctx.chunkRows
      const thisChunk = chunk
      const previous = pending
      pending = (async () => {
        await acknowledged
        if (previous !== undefined) await previous
        const done = controlMessages(
          ctx.cipher,
          {
            type: 'chunk-done',
            snapshotId: ctx.snapshotId,
            target,
            table: `${database}.${table}`,
            chunk: thisChunk,
            position: pos,
            rows,
          },
          ctx.partitions,
          position,
        )
        await window.send(topic, done, bytesOfMessages(done))
        progress.chunks = thisChunk
        progress.rows += rows
        progress.lastKey = nextLast === null ? null : nextLast.map(encodeKeyValue)
        progress.position = pos
        if (position.gtid !== undefined) progress.gtid = position.gtid
        if (sum !== undefined) progress.checksum = combineChecksums([progress.checksum ?? '0', sum.value()])
        if (finished) progress.done = true
        await ctx.chunkDone(progress, rows)
      })()
      // a failed chunk-done or progress save stops the reading too; the error is thrown below
      pending.catch((err: unknown) =>
        window.fail(err instanceof SnapshotError ? err : mysqlError(err, 'completing a chunk', where)),
      )
      last = nextLast
      if (finished) break
    }
    await pending
  } catch (err) {
    // Keep the progress of chunks already acknowledged, and let the sends in flight settle
    // (a resumed run must not race stale rows of this one), before giving up.
    if (pending !== undefined) await pending.catch(() => {})
    await window.idle()
    throw err
  }
}

/**
 * Runs `onRow` on each row of the query's result as mysql2 parses it, with no stream or
 * async iterator in between (their per-row promises and buffering cost more than the
 * row's own JSON). When `onRow` returns a promise, the connection pauses until it settles.
 * A throw or a rejection stops the reading: the rest of the result is read and dropped,
 * as a destroyed mysql2 stream does, and the promise rejects with that error.
 */
function streamRows(
  core: Connection,
  sql: string,
  values: unknown[],
  onRow: (row: Record<string, unknown>) => Promise<void> | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = core.query({ sql, values })
    let settled = false
    const stop = (err: unknown) => {
      if (settled) return
      settled = true
      query.removeListener('result', onResult)
      core.resume()
      reject(err)
    }
    const resume = () => {
      if (!settled) core.resume()
    }
    const onResult = (row: unknown) => {
      let wait: Promise<void> | undefined
      try {
        wait = onRow(row as Record<string, unknown>)
      } catch (err) {
        stop(err)
        return
      }
      if (wait !== undefined) {
        core.pause()
        wait.then(resume, stop)
      }
    }
    query.on('result', onResult)
    // kept after settling: a second error must not go unhandled
    query.on('error', stop)
    query.once('end', () => {
      if (settled) return
      settled = true
      resolve()
    })
  })
}

function bytesOfHeaders(headers: Record<string, string>): number {
  let n = 0
  for (const k in headers) n += k.length + (headers[k] as string).length
  return n
}

function bytesOfMessages(messages: readonly SinkMessage[]): number {
  let n = 0
  for (const m of messages) n += m.key.length + m.value.length + bytesOfHeaders(m.headers)
  return n
}
