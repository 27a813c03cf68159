// Without FULL row metadata zongji labels columns from INFORMATION_SCHEMA at read time,
// which describes the table as it is now, not as it was when the row was written (the notes
// saw values swapped between columns after a reorder). The reader refuses such TableMaps.
//
// binlog_row_metadata and mysql56_temporal_format are global-only on MariaDB, and the stack
// is shared, so the server cannot be made to write a TableMap without names here. Instead
// zongji's own TableMap class is told that its (real) metadata is incomplete, which sends
// every TableMap down the INFORMATION_SCHEMA path exactly as a NO_LOG/MINIMAL server would.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createTestDatabase, registerCleanup } from '@sync/test-kit'
import { expect, it } from 'vitest'
import type { BinlogError, BinlogReader, ReaderEvent } from '../../src/index.ts'
import { collectUntil, openReader, rowsOf } from './helpers.ts'

interface TableMapClass {
  prototype: { hasSelfDescribingMetadata(): boolean }
}

async function pretendTableMapsLackMetadata(): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@vlasky/zongji')
  const events = (await import(pathToFileURL(join(dirname(entry), 'lib/binlog_event.js')).href)) as {
    TableMap: TableMapClass
  }
  const proto = events.TableMap.prototype
  const original = proto.hasSelfDescribingMetadata
  proto.hasSelfDescribingMetadata = () => false
  registerCleanup(() => {
    proto.hasSelfDescribingMetadata = original
  })
}

async function drain(reader: BinlogReader, seen: ReaderEvent[]): Promise<unknown> {
  const timer = setTimeout(() => void reader.stop(), 10_000)
  try {
    for await (const event of reader) seen.push(event)
    return undefined
  } catch (err) {
    return err
  } finally {
    clearTimeout(timer)
  }
}

it('refuses a TableMap without FULL metadata, emitting none of its rows', async () => {
  const db = await createTestDatabase('br_nometa')
  await db.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))')
  await pretendTableMapsLackMetadata()
  const strict = openReader(db.name)
  // the control: the same TableMaps decoded from INFORMATION_SCHEMA, proving they took that path
  const lenient = openReader(db.name, { requireFullMetadata: false })
  await strict.start()
  await lenient.start()
  await db.query("INSERT INTO t VALUES (1, 'one')")

  const seen: ReaderEvent[] = []
  const error = (await drain(strict, seen)) as BinlogError
  expect(error).toMatchObject({ code: 'BINLOG_UNSUPPORTED', retriable: false, database: db.name, table: 't' })
  expect(error.message).toContain(`${db.name}.t carries no column names`)
  expect(error.message).toMatch(/binlog_row_metadata=FULL/)
  expect(error.binlogFile).toMatch(/\.\d{6}$/)
  expect(seen.filter((e) => e.kind === 'insert')).toEqual([])
  expect(strict.stats().state).toBe('failed')

  const decoded = await collectUntil(lenient, (ev) => rowsOf(ev).length >= 1)
  expect(rowsOf(decoded)).toEqual([{ id: 1, v: 'one' }])
})
