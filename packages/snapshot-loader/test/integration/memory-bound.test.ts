// Memory stays bounded by the send window whatever the chunk size, and a failed send stops
// the reading. Root cause of the regression these guard: the window used to be created per
// chunk, so with chunks smaller than a send batch (chunkRows 500, sendBatchRows 2000) every
// chunk pushed one partial batch into an empty window and never waited: against a stalled
// broker the whole table was read into memory, and a failed send surfaced only after the
// last chunk was read.
//
// The sink below is a stand-in for the broker side of the wire: it holds acknowledgements
// until the test releases them (or acknowledges after a delay) and measures, from outside
// the loader, how many rows and bytes it was handed and has not yet acknowledged.
import { createTestDatabase, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  createMemoryStateStore,
  createSnapshotLoader,
  isSnapshotError,
  type Metrics,
  type SinkMessage,
  type SnapshotSink,
} from '../../src/index.ts'
import { matcherFor, sourceConnection, testCipher } from './helpers.ts'

const bytesOf = (m: SinkMessage) => {
  let n = m.key.length + m.value.length
  for (const k in m.headers) n += k.length + (m.headers[k] as string).length
  return n
}

function brokerStandIn(partitions = 2) {
  let hold = true
  let ackDelayMs = 0
  const held: Array<() => void> = []
  const st = {
    calls: 0,
    rowsGiven: 0,
    rowsAcked: 0,
    bytesInFlight: 0,
    maxRowsInFlight: 0,
    maxBytesInFlight: 0,
    /** Send calls made after the first rejected one. */
    callsAfterFailure: 0,
    failed: false,
    failCall: undefined as number | undefined,
  }
  const ack = (rows: number, bytes: number, resolve: () => void) => {
    st.rowsAcked += rows
    st.bytesInFlight -= bytes
    resolve()
  }
  const sink: SnapshotSink = {
    send(_topic, messages) {
      st.calls++
      if (st.failed) st.callsAfterFailure++
      const rows = messages.filter((m) => m.partition === undefined)
      const bytes = rows.reduce((n, m) => n + bytesOf(m), 0)
      st.rowsGiven += rows.length
      st.bytesInFlight += bytes
      st.maxRowsInFlight = Math.max(st.maxRowsInFlight, st.rowsGiven - st.rowsAcked)
      st.maxBytesInFlight = Math.max(st.maxBytesInFlight, st.bytesInFlight)
      const call = st.calls
      return new Promise<void>((resolve, reject) => {
        if (call === st.failCall) {
          setTimeout(() => {
            st.failed = true
            st.bytesInFlight -= bytes
            reject(new Error('NOT_ENOUGH_REPLICAS'))
          }, 5)
          return
        }
        const done = () => ack(rows.length, bytes, resolve)
        // control messages (begin, chunk-done) pass; only rows are held
        if (rows.length === 0) setTimeout(done, 0)
        else if (hold) held.push(done)
        else setTimeout(done, ackDelayMs)
      })
    },
    async partitionCount() {
      return partitions
    },
  }
  return {
    sink,
    st,
    /** From now on acknowledge every send after `delayMs`, the held ones included. */
    release(delayMs: number) {
      hold = false
      ackDelayMs = delayMs
      for (const done of held.splice(0)) setTimeout(done, delayMs)
    },
    failOnCall(n: number) {
      hold = false
      st.failCall = n
    },
  }
}

/** The loader's own view: the largest snapshot_rows_in_flight gauge it reported. */
function gaugeMax(): Metrics & { max: number } {
  const m = {
    max: 0,
    increment() {},
    gauge(name: string, value: number) {
      if (name === 'snapshot_rows_in_flight') m.max = Math.max(m.max, value)
    },
  }
  return m
}

async function table(rows: number, prefix: string) {
  const db = await createTestDatabase(prefix)
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40), n INT)')
  await db.query(`INSERT INTO t SELECT seq, CONCAT('value ', seq), seq * 7 FROM seq_1_to_${rows}`)
  return db
}

/** Resolves once the sink saw no new send for `quietMs` (the loader is waiting, or done). */
async function quiet(st: { calls: number }, quietMs: number): Promise<void> {
  let seen = -1
  let since = Date.now()
  await waitFor(
    () => {
      if (st.calls !== seen) {
        seen = st.calls
        since = Date.now()
        return false
      }
      return st.calls > 0 && Date.now() - since >= quietMs
    },
    { what: `no new send for ${quietMs} ms`, intervalMs: 20, timeoutMs: 30_000 },
  )
}

describe('memory bound against a stalled broker', () => {
  it.each([
    // chunks smaller than a send batch: each chunk is one partial batch of 500 rows
    { name: 'small chunks', chunkRows: 500, sendBatchRows: 2000, maxInFlightSends: 4, stalledRows: 2000 },
    // chunks larger than the window: the window fills inside the first chunk
    { name: 'large chunks', chunkRows: 5000, sendBatchRows: 200, maxInFlightSends: 2, stalledRows: 400 },
  ])(
    '$name: reading stops at the bound while nothing is acknowledged, and every row arrives once released',
    async ({ chunkRows, sendBatchRows, maxInFlightSends, stalledRows }) => {
      const total = 12_000
      const db = await table(total, 'snap_bound')
      const broker = brokerStandIn()
      const metrics = gaugeMax()
      const running = createSnapshotLoader({
        connection: sourceConnection(),
        matcher: matcherFor(db.name),
        sink: broker.sink,
        cipher: testCipher(),
        chunkRows,
        sendBatchRows,
        maxInFlightSends,
        metrics,
      }).run({ table: { database: db.name, table: 't' } })
      running.catch(() => {})

      try {
        // the window's worth arrives (however slowly a busy machine runs the loader), then
        // nothing more while nothing is acknowledged
        await waitFor(() => broker.st.rowsGiven >= stalledRows, {
          what: `${stalledRows} rows handed to the sink`,
          intervalMs: 20,
          timeoutMs: 30_000,
        })
        await quiet(broker.st, 700)
        // stalled: exactly the window's worth was handed over, and the loader says so too
        expect(broker.st.rowsGiven).toBe(stalledRows)
        expect(broker.st.rowsAcked).toBe(0)
        expect(metrics.max).toBe(stalledRows)
      } finally {
        // the paused read holds a metadata lock: let it finish before the database is dropped
        broker.release(3)
      }
      const report = await running
      expect(report.tables[0]?.rows).toBe(total)
      expect(broker.st.rowsGiven).toBe(total)
      const bound = maxInFlightSends * Math.min(chunkRows, sendBatchRows)
      expect(broker.st.maxRowsInFlight).toBeLessThanOrEqual(bound)
      expect(metrics.max).toBeLessThanOrEqual(bound)
    },
  )

  it('bounds the bytes in flight with maxInFlightBytes, cutting batches below sendBatchRows', async () => {
    const db = await table(6000, 'snap_bytes_bound')
    const broker = brokerStandIn()
    broker.release(2)
    const maxInFlightBytes = 64 * 1024
    const report = await createSnapshotLoader({
      connection: sourceConnection(),
      matcher: matcherFor(db.name),
      sink: broker.sink,
      cipher: testCipher(),
      chunkRows: 10_000,
      sendBatchRows: 5000,
      maxInFlightSends: 4,
      maxInFlightBytes,
    }).run({ table: { database: db.name, table: 't' } })
    expect(report.tables[0]?.rows).toBe(6000)
    // a row message here is ~450 bytes: the bound holds to within one message
    expect(broker.st.maxBytesInFlight).toBeGreaterThan(maxInFlightBytes / 2)
    expect(broker.st.maxBytesInFlight).toBeLessThanOrEqual(maxInFlightBytes + 1024)
    expect(broker.st.maxRowsInFlight).toBeLessThan(5000)
  })
})

describe('a failed send', () => {
  it('stops the reading at once, keeps only acknowledged chunks, and resumes from there', async () => {
    const total = 20_000
    const db = await table(total, 'snap_fail_stop')
    const broker = brokerStandIn()
    const stateStore = createMemoryStateStore()
    const options = {
      connection: sourceConnection(),
      matcher: matcherFor(db.name),
      sink: broker.sink,
      cipher: testCipher(),
      chunkRows: 500,
      sendBatchRows: 2000,
      maxInFlightSends: 4,
      stateStore,
    }
    // call 1 is snapshot-begin; call 4 carries the third chunk's rows
    broker.failOnCall(4)
    broker.release(20)
    const err = await createSnapshotLoader(options)
      .run({ table: { database: db.name, table: 't' } })
      .catch((e: unknown) => e)
    const topic = `stream_${db.name}_batch`
    expect(isSnapshotError(err) && [err.code, err.topic, err.message]).toEqual([
      'SNAP_SINK',
      topic,
      `sending to ${topic} failed: NOT_ENOUGH_REPLICAS`,
    ])
    // nothing was sent after the failure, and far less than the table was read
    expect(broker.st.callsAfterFailure).toBe(0)
    expect(broker.st.rowsGiven).toBeLessThanOrEqual((3 + options.maxInFlightSends) * 500)
    const saved = await stateStore.load()
    const progress = saved?.tables[`${db.name}.t`]
    expect(progress?.done).toBe(false)
    expect(progress?.chunks).toBeLessThanOrEqual(2)
    expect(progress?.rows).toBe((progress?.chunks ?? 0) * 500)

    broker.st.failCall = undefined
    broker.st.failed = false
    const report = await createSnapshotLoader(options).run({ table: { database: db.name, table: 't' } })
    expect(report.resumed).toBe(true)
    expect(report.rowsThisRun).toBe(total - (progress?.rows ?? 0))
    expect(report.tables[0]?.rows).toBe(total)
  })
})
