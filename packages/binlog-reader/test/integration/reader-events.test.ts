// The typed event stream: row changes with keys and positions, transaction boundaries,
// DDL as its own events, the table filter, and column labels across DDL mid-stream.
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { DdlEvent, ReaderEvent } from '../../src/index.ts'
import { collectUntil, commits, openReader, rowsOf, updatesOf } from './helpers.ts'

describe('binlog reader events', () => {
  it('streams inserts, a primary-key-changing update and deletes inside begin/commit with checkpoints', async () => {
    const db = await createTestDatabase('br_events')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))')
    const reader = openReader(db.name)
    await reader.start()
    await db.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    await db.query('UPDATE t SET id = 10 WHERE id = 1')
    await db.query('DELETE FROM t WHERE id = 2')
    const events = await collectUntil(reader, (ev) => commits(ev) >= 3)
    expect(events.map((e) => e.kind)).toEqual([
      'begin',
      'insert',
      'commit',
      'begin',
      'update',
      'commit',
      'begin',
      'delete',
      'commit',
    ])
    const insert = events[1] as Extract<ReaderEvent, { kind: 'insert' }>
    expect(insert).toMatchObject({ database: db.name, table: 't', primaryKey: ['id'], columns: ['id', 'v'] })
    expect(insert.rows).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ])
    expect(updatesOf(events)).toEqual([{ before: { id: 1, v: 'a' }, after: { id: 10, v: 'a' } }])
    expect(rowsOf(events, 'delete')).toEqual([{ id: 2, v: 'b' }])
    // each transaction carries its GTID; checkpoints advance and every row event points at the last commit
    const commitEvents = events.filter((e) => e.kind === 'commit')
    const [c1, c2] = commitEvents as Array<Extract<ReaderEvent, { kind: 'commit' }>>
    expect(c2?.checkpoint.pos).toBeGreaterThan(c1?.checkpoint.pos ?? Number.POSITIVE_INFINITY)
    expect(c1?.checkpoint.gtid).toMatch(/^\d+-\d+-\d+/)
    expect((events[4] as { position: unknown }).position).toEqual(c1?.checkpoint)
    expect(reader.checkpoint()).toEqual(commitEvents.at(-1)?.checkpoint)
    // a row event's own end lies inside its transaction: after the commit before it, before its own commit
    const update = events[4] as Extract<ReaderEvent, { kind: 'update' }>
    expect(update.eventEnd.file).toBe(c1?.checkpoint.file)
    expect(update.eventEnd.pos).toBeGreaterThan(c1!.checkpoint.pos)
    expect(update.eventEnd.pos).toBeLessThan(c2!.checkpoint.pos)
    const stats = reader.stats()
    expect(stats.rowsDelivered).toBe(4)
    expect(stats.transactions).toBe(3)
    // no timeZone option: TIMESTAMPs are shown in the server's zone
    const [zone] = await db.query<Array<{ z: string }>>(
      "SELECT IF(@@time_zone = 'SYSTEM', @@system_time_zone, @@time_zone) AS z",
    )
    expect(stats.timeZone).toBe(zone?.z)
  })

  it('reports DDL as events and never mislabels a value across added, dropped and reordered columns', async () => {
    const db = await createTestDatabase('br_ddl')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT)')
    const [status] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
    // Everything below is written before the reader starts, so it decodes each row after
    // all the DDL ran: the catalog then describes another table, and only the binlog's
    // own metadata can label the old rows correctly
    await db.query("INSERT INTO t VALUES (1, 'A1', 11)")
    await db.query('ALTER TABLE t ADD COLUMN c DATE AFTER id')
    await db.query("INSERT INTO t VALUES (2, '2024-01-02', 'A2', 22)")
    await db.query('ALTER TABLE t MODIFY b INT AFTER id')
    await db.query("INSERT INTO t (id, a, b, c) VALUES (3, 'A3', 33, '2024-01-03')")
    await db.query('ALTER TABLE t DROP COLUMN a')
    await db.query("INSERT INTO t VALUES (4, 44, '2024-01-04')")
    await db.query('RENAME TABLE t TO t2')
    await db.query('TRUNCATE TABLE t2')
    await db.query('CREATE TABLE other (id INT PRIMARY KEY)')
    await db.query('DROP TABLE other')
    const reader = openReader(db.name, {
      start: { file: status?.File as string, pos: Number(status?.Position) },
    })
    await reader.start()
    const events = await collectUntil(reader, (ev) => ev.filter((e) => e.kind === 'ddl').length >= 7)
    expect(rowsOf(events)).toEqual([
      { id: 1, a: 'A1', b: 11 },
      { id: 2, c: '2024-01-02', a: 'A2', b: 22 },
      { id: 3, b: 33, c: '2024-01-03', a: 'A3' },
      { id: 4, b: 44, c: '2024-01-04' },
    ])
    const ddl = events.filter((e): e is DdlEvent => e.kind === 'ddl')
    expect(ddl.map((e) => e.ddl)).toEqual(['alter', 'alter', 'alter', 'rename', 'truncate', 'create', 'drop'])
    expect(ddl[3]?.tables).toEqual([
      { database: db.name, table: 't' },
      { database: db.name, table: 't2' },
    ])
    expect(ddl[4]?.statement).toMatch(/TRUNCATE TABLE t2/)
    // a DDL is a transaction of its own: a commit follows it
    const afterTruncate = events[events.indexOf(ddl[4] as ReaderEvent) + 1]
    expect(afterTruncate?.kind).toBe('commit')
  })

  it('skips tables the filter leaves out, by include map and by callback', async () => {
    const db = await createTestDatabase('br_filter')
    await db.query('CREATE TABLE keep (id INT PRIMARY KEY)')
    await db.query('CREATE TABLE skip (id INT PRIMARY KEY)')
    const byMap = openReader(db.name, { tables: { [db.name]: ['keep'] } })
    const byFn = openReader(db.name, { tables: (d, t) => d === db.name && t !== 'skip' })
    await byMap.start()
    await byFn.start()
    await db.query('INSERT INTO skip VALUES (1)')
    await db.query('INSERT INTO keep VALUES (2)')
    await db.query('INSERT INTO skip VALUES (3)')
    await db.query('INSERT INTO keep VALUES (4)')
    for (const reader of [byMap, byFn]) {
      const events = await collectUntil(reader, (ev) => rowsOf(ev).length >= 2)
      expect(rowsOf(events)).toEqual([{ id: 2 }, { id: 4 }])
      expect(events.filter((e) => e.kind === 'insert').every((e) => 'table' in e && e.table === 'keep')).toBe(
        true,
      )
      // the skipped tables' rows were never decoded
      expect(reader.stats().rowsDecoded).toBe(2)
    }
  })
})
