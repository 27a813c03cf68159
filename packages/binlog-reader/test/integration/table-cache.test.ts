// zongji keeps one table map entry per table id and never evicts it; a table gets a new id
// after each FLUSH TABLES (and each ALTER or eviction from the server's table cache), so a
// long-running reader grew without bound. The reader prunes it, and its own plans, at
// statement ends once they pass `tableCacheSize`; these tests watch the sizes while reading.
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { BinlogReader, ReaderEvent } from '../../src/index.ts'
import { collectUntil, openReader, rowsOf } from './helpers.ts'

const bound = 10

/** Reads until `rows` rows arrived, recording the largest cache sizes seen after each event. */
async function readWatchingCaches(reader: BinlogReader, rows: number) {
  let maxTableMap = 0
  let maxPlans = 0
  const events = await collectUntil(
    reader,
    (ev) => {
      const s = reader.stats()
      maxTableMap = Math.max(maxTableMap, s.tableMapSize)
      maxPlans = Math.max(maxPlans, s.tablePlanCacheSize)
      return rowsOf(ev).length >= rows
    },
    60_000,
    `${rows} rows`,
  )
  return { events, maxTableMap, maxPlans }
}

describe('bounded table caches', () => {
  it('keeps zongji table map and plans under tableCacheSize across 120 FLUSH TABLES', async () => {
    const db = await createTestDatabase('br_tcache')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))')
    const reader = openReader(db.name, { tableCacheSize: bound })
    await reader.start()
    const cycles = 120
    for (let i = 1; i <= cycles; i++) {
      await db.query(`INSERT INTO t VALUES (${i}, 'v${i}')`)
      // a new table id for t on its next use
      await db.query('FLUSH TABLES t')
    }
    const { events, maxTableMap, maxPlans } = await readWatchingCaches(reader, cycles)
    expect(rowsOf(events)).toEqual(Array.from({ length: cycles }, (_, k) => ({ id: k + 1, v: `v${k + 1}` })))
    // the map would hold one entry per id (120) without pruning
    expect(maxTableMap).toBeGreaterThan(1)
    expect(maxTableMap).toBeLessThanOrEqual(bound + 1)
    expect(maxPlans).toBeLessThanOrEqual(bound + 1)
  })

  it('prunes inside a transaction over 40 tables and never inside a multi-table statement', async () => {
    const db = await createTestDatabase('br_tcache_many')
    const tables = Array.from({ length: 40 }, (_, k) => `t${k}`)
    for (const [k, t] of tables.entries()) {
      // different shapes, so a plan used for the wrong table would show
      await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, c${k} INT)`)
    }
    const reader = openReader(db.name, { tableCacheSize: bound })
    await reader.start()
    await db.query(
      `BEGIN; ${tables.map((t, k) => `INSERT INTO ${t} VALUES (${k}, ${k * 100});`).join(' ')} COMMIT`,
    )
    const first = await readWatchingCaches(reader, tables.length)
    const inserts = first.events.filter(
      (e): e is Extract<ReaderEvent, { kind: 'insert' }> => e.kind === 'insert',
    )
    expect(inserts.map((e) => [e.table, e.rows])).toEqual(
      tables.map((t, k) => [t, [{ id: k, [`c${k}`]: k * 100 }]]),
    )
    expect(first.events.filter((e) => e.kind === 'begin')).toHaveLength(1)
    expect(first.maxTableMap).toBeLessThanOrEqual(bound + 1)
    expect(first.maxPlans).toBeLessThanOrEqual(bound + 1)
    expect(first.maxTableMap).toBeGreaterThan(bound / 2)

    // One statement over 15 tables: all 15 TableMaps come first, then one rows event per
    // table, only the last flagged STMT_END_F. Pruning before that flag would leave the
    // later rows events without a table map entry, and zongji drops those silently.
    const joined = tables.slice(0, 15)
    await db.query(
      `UPDATE ${joined.join(', ')} SET ${joined.map((t, k) => `${t}.c${k} = ${t}.c${k} + 1`).join(', ')}`,
    )
    let maxInStatement = 0
    const second = await collectUntil(
      reader,
      (ev) => {
        maxInStatement = Math.max(maxInStatement, reader.stats().tableMapSize)
        return ev.filter((e) => e.kind === 'update').length >= joined.length
      },
      30_000,
      `${joined.length} updates`,
    )
    const updates = second.filter((e): e is Extract<ReaderEvent, { kind: 'update' }> => e.kind === 'update')
    expect(updates.map((e) => [e.table, e.rows])).toEqual(
      joined.map((t, k) => [
        t,
        [{ before: { id: k, [`c${k}`]: k * 100 }, after: { id: k, [`c${k}`]: k * 100 + 1 } }],
      ]),
    )
    expect(maxInStatement).toBeLessThanOrEqual(bound + joined.length)
    // back under the bound once the statement ended
    expect(reader.stats().tableMapSize).toBeLessThanOrEqual(bound + 1)
  })
})
