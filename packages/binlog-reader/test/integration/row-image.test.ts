// Regression: a client can SET SESSION binlog_row_image=MINIMAL (or NOBLOB) whatever the
// global setting preflight checked; its rows events leave columns out, and zongji filled
// them with null, so the reader emitted rows with invented NULLs. The reader now checks
// each event's columns-present bitmaps and stops with BINLOG_UNSUPPORTED instead.
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { BinlogError, BinlogReader, ReaderEvent } from '../../src/index.ts'
import { openReader, rowsOf } from './helpers.ts'

/** Reads until the stream throws (returned) or, after `ms`, stops it (returns undefined). */
async function drain(reader: BinlogReader, seen: ReaderEvent[], ms = 10_000): Promise<unknown> {
  const timer = setTimeout(() => void reader.stop(), ms)
  try {
    for await (const event of reader) seen.push(event)
    return undefined
  } catch (err) {
    return err
  } finally {
    clearTimeout(timer)
  }
}

describe('partial row images', () => {
  for (const [image, statement, kind] of [
    ['MINIMAL', "UPDATE t SET v = 'changed' WHERE id = 1", 'update'],
    ['MINIMAL', 'DELETE FROM t WHERE id = 2', 'delete'],
    ['NOBLOB', "UPDATE t SET v = 'changed' WHERE id = 1", 'update'],
  ] as const) {
    it(`refuses ${kind === 'update' ? 'an' : 'a'} ${kind} written with SET SESSION binlog_row_image=${image} and emits none of its rows`, async () => {
      const db = await createTestDatabase('br_rowimg')
      await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), note TEXT, n INT)')
      const reader = openReader(db.name)
      await reader.start()
      await db.query("INSERT INTO t VALUES (1, 'one', 'first', 10), (2, 'two', 'second', 20)")
      await db.query(`SET SESSION binlog_row_image = '${image}'`)
      await db.query(statement)
      const seen: ReaderEvent[] = []
      const error = (await drain(reader, seen)) as BinlogError
      expect(error).toMatchObject({
        code: 'BINLOG_UNSUPPORTED',
        retriable: false,
        database: db.name,
        table: 't',
      })
      expect(error.binlogFile).toMatch(/\.\d{6}$/)
      expect(error.binlogPos).toBeGreaterThan(4)
      expect(error.message).toContain(`${db.name}.t at ${error.binlogFile}:${error.binlogPos}`)
      expect(error.message).toMatch(/binlog_row_image=FULL/)
      // MINIMAL keeps the key in the before image; NOBLOB drops the untouched TEXT column
      expect(error.message).toContain(image === 'MINIMAL' ? 'absent: v, note, n' : 'absent: note')
      // only the FULL insert came through: no update or delete, and no begin for the refused one
      expect(seen.map((e) => e.kind)).toEqual(['begin', 'insert', 'commit'])
      expect(rowsOf(seen)).toEqual([
        { id: 1, v: 'one', note: 'first', n: 10 },
        { id: 2, v: 'two', note: 'second', n: 20 },
      ])
      expect(reader.stats().state).toBe('failed')
      // the refused event starts after the last commit the consumer saw
      expect(error.binlogPos).toBeGreaterThanOrEqual(reader.checkpoint()?.pos ?? Number.POSITIVE_INFINITY)
    })
  }

  it('reads a NOBLOB session normally when the table has no BLOB/TEXT column (its images are whole)', async () => {
    const db = await createTestDatabase('br_rowimg_ok')
    await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), n INT)')
    const reader = openReader(db.name)
    await reader.start()
    await db.query("SET SESSION binlog_row_image = 'NOBLOB'")
    await db.query("INSERT INTO t VALUES (1, 'one', NULL)")
    await db.query("UPDATE t SET v = 'uno' WHERE id = 1")
    await db.query('DELETE FROM t WHERE id = 1')
    const seen: ReaderEvent[] = []
    for await (const event of reader) {
      seen.push(event)
      if (seen.filter((e) => e.kind === 'commit').length === 3) break
    }
    expect(seen.filter((e) => e.kind !== 'begin' && e.kind !== 'commit')).toMatchObject([
      { kind: 'insert', rows: [{ id: 1, v: 'one', n: null }] },
      {
        kind: 'update',
        rows: [{ before: { id: 1, v: 'one', n: null }, after: { id: 1, v: 'uno', n: null } }],
      },
      { kind: 'delete', rows: [{ id: 1, v: 'uno', n: null }] },
    ])
  })
})
