// Tables from StarRocks DDL land in MariaDB and are read back as StarRocks schemas.
import { createTestDatabase } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { loadHeaders, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0] })
})
afterAll(() => emu.stop())

describe('createTableFromDdl', () => {
  it('creates the MariaDB table with the translated types and returns the StarRocks schema', async () => {
    const db = await createTestDatabase('cat')
    const schema = await emu.createTableFromDdl(
      `CREATE TABLE t (k LARGEINT NOT NULL, s STRING, j JSON, d DATETIME, n DECIMAL(38,10) NOT NULL DEFAULT "1.5")
       PRIMARY KEY (k) DISTRIBUTED BY HASH (k) BUCKETS 4`,
      db.name,
    )
    expect(schema.columns.map((c) => [c.name, c.type.text])).toEqual([
      ['k', 'LARGEINT'],
      ['s', 'STRING'],
      ['j', 'JSON'],
      ['d', 'DATETIME'],
      ['n', 'DECIMAL(38,10)'],
    ])
    const cols = await db.query<Array<{ c: string; t: string }>>(
      'SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db.name, 't'],
    )
    expect(cols.map((x) => x.t)).toEqual([
      'decimal(39,0)',
      'longtext',
      'longtext',
      'datetime(6)',
      'decimal(38,10)',
    ])
  })

  it('loads into a DUPLICATE KEY table by appending every row', async () => {
    const db = await createTestDatabase('cat')
    await emu.createTableFromDdl(
      'CREATE TABLE log (id INT, msg VARCHAR(20)) DUPLICATE KEY (id) DISTRIBUTED BY HASH (id)',
      db.name,
    )
    const url = `${emu.beUrls[0]}/api/${db.name}/log/_stream_load`
    const res = await rawRequest(url, {
      headers: loadHeaders('d'),
      body: '[{"id":1,"msg":"a"},{"id":1,"msg":"b"}]',
    })
    expect(res.json().Status).toBe('Success')
    expect(await db.query('SELECT id, msg FROM log ORDER BY msg')).toEqual([
      { id: 1, msg: 'a' },
      { id: 1, msg: 'b' },
    ])
  })
})
