// A consumer that stops pulling makes the reader pause the socket; the server then blocks
// writing the dump and, after net_write_timeout seconds, drops the connection (the notes
// saw this with a 12 s pause and net_write_timeout=5). The reader sets the session
// timeout (netWriteTimeoutSeconds) and, when the server drops it anyway, reconnects from
// the last commit: every row arrives, and only the transaction in flight is repeated.
import { createTestDatabase, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { ReaderEvent, ReconnectEvent } from '../../src/index.ts'
import { collectUntil, expectReplayOfInFlightOnly, openReader, rowsOf, sleep } from './helpers.ts'

// ~36 MB of binlog: far more than the loopback socket buffers, so the server's writes block
const txCount = 12
const txRows = 25_000

async function writeBacklog(db: { query: (sql: string) => Promise<unknown> }): Promise<number[][]> {
  const transactions: number[][] = []
  for (let k = 0; k < txCount; k++) {
    const first = k * txRows + 1
    await db.query(`INSERT INTO t SELECT seq, REPEAT('x', 100) FROM seq_${first}_to_${first + txRows - 1}`)
    transactions.push(Array.from({ length: txRows }, (_, i) => first + i))
  }
  return transactions
}

const lastId = txCount * txRows
const finished = (ev: ReaderEvent[]) => ev.at(-1)?.kind === 'commit' && rowsOf(ev).at(-1)?.id === lastId

describe('a consumer pause longer than net_write_timeout', () => {
  it('reconnects when the server drops the blocked dump (session net_write_timeout 1 s), losing nothing', async () => {
    const db = await createTestDatabase('br_nwt_drop')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(100))')
    const reader = openReader(db.name, {
      highWaterMark: 1000,
      netWriteTimeoutSeconds: 1,
      reconnect: { initialDelayMs: 50 },
    })
    await reader.start()
    const transactions = await writeBacklog(db)
    const head = await collectUntil(reader, (ev) => rowsOf(ev).length > 0)
    await waitFor(() => reader.stats().paused, {
      timeoutMs: 10_000,
      what: 'the socket paused at the high-water mark',
    })
    // the global net_write_timeout is 60 s: only the reader's session setting can end this
    await sleep(4000)
    const rest = await collectUntil(reader, finished, 90_000, `row ${lastId} and its commit`)
    const events = [...head, ...rest]
    const reconnect = events.find((e): e is ReconnectEvent => e.kind === 'reconnect')
    expect(reconnect?.error.code).toBe('BINLOG_CONNECTION')
    const { inFlight, prefix } = expectReplayOfInFlightOnly(events, transactions)
    expect(inFlight).toBeLessThan(txCount)
    expect(prefix).toBeGreaterThan(0)
    expect(reader.stats().reconnects).toBe(1)
  })

  it('survives the same pause with no reconnect when netWriteTimeoutSeconds covers it', async () => {
    const db = await createTestDatabase('br_nwt_ok')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(100))')
    const reader = openReader(db.name, { highWaterMark: 1000, netWriteTimeoutSeconds: 30 })
    await reader.start()
    const transactions = await writeBacklog(db)
    const head = await collectUntil(reader, (ev) => rowsOf(ev).length > 0)
    await waitFor(() => reader.stats().paused, {
      timeoutMs: 10_000,
      what: 'the socket paused at the high-water mark',
    })
    await sleep(4000)
    const rest = await collectUntil(reader, finished, 90_000, `row ${lastId} and its commit`)
    const events = [...head, ...rest]
    expect(events.filter((e) => e.kind === 'reconnect')).toEqual([])
    expect(rowsOf(events).map((r) => r.id)).toEqual(transactions.flat())
  })
})
