// A 1M-row transaction streams through a slow consumer without being held whole: the
// socket is paused at the high-water mark and RSS growth stays bounded.
import { createTestDatabase } from '@sync/test-kit'
import { expect, it } from 'vitest'
import { openReader } from './helpers.ts'

it('streams a 1M-row transaction with bounded memory and a paused socket', async () => {
  const db = await createTestDatabase('br_bigtx')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(40), n BIGINT)')
  const reader = openReader(db.name, { highWaterMark: 2000 })
  await reader.start()
  // one transaction, one statement: MariaDB's sequence engine generates the rows
  await db.query(
    "INSERT INTO t SELECT seq, CONCAT('row-', seq, '-padding-padding'), seq * 1000 FROM seq_1_to_1000000",
  )
  global.gc?.()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  let rows = 0
  let sum = 0
  let pausedSeen = 0
  let maxQueued = 0
  let commits = 0
  for await (const event of reader) {
    if (event.kind === 'insert') {
      rows += event.rows.length
      for (const r of event.rows) sum += r.id as number
      const s = reader.stats()
      if (s.paused) pausedSeen++
      maxQueued = Math.max(maxQueued, s.queuedRows)
      if (rows % 50_000 < event.rows.length) {
        peak = Math.max(peak, process.memoryUsage().rss)
        // a slow consumer: give the producer time to fill the queue
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    if (event.kind === 'commit' && rows > 0) {
      commits++
      break
    }
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  expect(rows).toBe(1_000_000)
  expect(sum).toBe((1_000_000 * 1_000_001) / 2)
  expect(commits).toBe(1)
  // the queue never holds more than the high-water mark plus one rows event
  expect(maxQueued).toBeLessThan(2000 + 1000)
  expect(pausedSeen).toBeGreaterThan(0)
  const growthMb = (peak - baseline) / 1024 / 1024
  expect(growthMb).toBeLessThan(300)
}, 120_000)
