// Primary Key semantics (§2.3, §7): __op upsert/delete with last-wins inside one load,
// whole-row upserts, partial_update and merge_condition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { loadHeaders, ordersDb, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0] })
})
afterAll(() => emu.stop())

const load = async (db: string, label: string, body: string, extra: Record<string, string> = {}) => {
  const res = await rawRequest(`${emu.beUrls[0]}/api/${db}/orders/_stream_load`, {
    headers: loadHeaders(label, extra),
    body,
  })
  return res.json()
}
const rows = (db: string) =>
  emu.query<Array<Record<string, unknown>>>(`SELECT id, name, version FROM \`${db}\`.orders ORDER BY id`)

describe('__op', () => {
  it('upserts when __op is missing or 0 and deletes when it is nonzero', async () => {
    const db = await ordersDb(emu)
    await load(db, 'a', '[{"id":1,"name":"a"},{"id":2,"name":"b","__op":0},{"id":3,"name":"c"}]')
    const res = await load(db, 'b', '[{"id":1,"__op":1},{"id":3,"__op":2},{"id":2,"name":"B"}]')
    expect(res).toMatchObject({ Status: 'Success', NumberLoadedRows: 3 })
    // simple mode: a key missing from the JSON loads NULL (§3.3)
    expect(await rows(db)).toEqual([{ id: '2', name: 'B', version: null }])
  })

  it('keeps the last occurrence of a key inside one load, op included', async () => {
    const db = await ordersDb(emu)
    await load(db, 'seed', '[{"id":1,"name":"old1"},{"id":2,"name":"old2"}]')
    const body =
      '[{"id":1,"name":"x"},{"id":1,"__op":1},' + // upsert then delete: gone
      '{"id":2,"__op":1},{"id":2,"name":"back"},' + // delete then upsert: present
      '{"id":3,"name":"first"},{"id":3,"name":"second"}]'
    expect((await load(db, 'lw', body)).Status).toBe('Success')
    expect(await rows(db)).toEqual([
      { id: '2', name: 'back', version: null },
      { id: '3', name: 'second', version: null },
    ])
  })

  it('succeeds deleting rows that do not exist', async () => {
    const db = await ordersDb(emu)
    await load(db, 'seed', '[{"id":1,"name":"keep"}]')
    const res = await load(db, 'del', '[{"id":404,"__op":1},{"id":405,"__op":1}]')
    expect(res).toMatchObject({ Status: 'Success', NumberLoadedRows: 2 })
    expect(await rows(db)).toEqual([{ id: '1', name: 'keep', version: null }])
  })

  it("takes __op from the columns header: a constant 'delete' or a source field", async () => {
    const db = await ordersDb(emu)
    await load(db, 'seed', '[{"id":1},{"id":2},{"id":3}]')
    await load(db, 'c1', '[{"id":1}]', { columns: "id, __op = 'delete'" })
    await load(db, 'c2', '[{"id":2,"kind":1},{"id":4,"kind":0}]', { columns: 'id, kind, __op = kind' })
    expect((await rows(db)).map((r) => r.id)).toEqual(['3', '4'])
  })

  it('filters a key-only delete when a non-key column is NOT NULL without default', async () => {
    const db = await ordersDb(emu)
    await emu.createTableFromDdl(
      'CREATE TABLE strict_t (id INT NOT NULL, v VARCHAR(10) NOT NULL) PRIMARY KEY (id) DISTRIBUTED BY HASH (id)',
      db,
    )
    const put = (label: string, body: string) =>
      rawRequest(`${emu.beUrls[0]}/api/${db}/strict_t/_stream_load`, {
        headers: loadHeaders(label, { max_filter_ratio: '1' }),
        body,
      })
    await put('s', '[{"id":1,"v":"a"},{"id":2,"v":"b"}]')
    const res = (await put('d', '[{"id":1,"__op":1},{"id":2,"v":"b","__op":1}]')).json()
    expect(res).toMatchObject({ Status: 'Success', NumberFilteredRows: 1, NumberLoadedRows: 1 })
    expect(await emu.query(`SELECT id FROM \`${db}\`.strict_t`)).toEqual([{ id: 1 }])
  })
})

describe('upsert, partial_update and merge_condition', () => {
  it('replaces the whole row on upsert: columns the load does not carry take their default', async () => {
    const db = await ordersDb(emu)
    await load(db, 'a', '[{"id":1,"name":"a","version":5}]')
    await load(db, 'b', '[{"id":1,"name":"b"}]', { columns: 'id, name' })
    expect(await rows(db)).toEqual([{ id: '1', name: 'b', version: 0 }])
  })

  it('updates only the listed columns with partial_update, and requires the key', async () => {
    const db = await ordersDb(emu)
    await load(db, 'a', '[{"id":1,"name":"a","version":5}]')
    const res = await load(db, 'b', '[{"id":1,"version":6},{"id":2,"version":1}]', {
      partial_update: 'true',
      columns: 'id, version',
    })
    expect(res.Status).toBe('Success')
    expect(await rows(db)).toEqual([
      { id: '1', name: 'a', version: 6 },
      { id: '2', name: null, version: 1 },
    ])
    const nokey = await load(db, 'c', '[{"version":1}]', { partial_update: 'true', columns: 'version' })
    expect(nokey.Message).toBe('key column id not in partial update columns')
  })

  it('applies a merge_condition upsert only when the new value is greater or equal', async () => {
    const db = await ordersDb(emu)
    await load(db, 'a', '[{"id":1,"name":"v5","version":5},{"id":2,"name":"v5","version":5}]')
    const body =
      '[{"id":1,"name":"v4","version":4},{"id":2,"name":"v5b","version":5},{"id":3,"name":"new","version":1}]'
    expect((await load(db, 'b', body, { merge_condition: 'version' })).Status).toBe('Success')
    expect(await rows(db)).toEqual([
      { id: '1', name: 'v5', version: 5 },
      { id: '2', name: 'v5b', version: 5 },
      { id: '3', name: 'new', version: 1 },
    ])
  })

  it('rejects a merge_condition on a key or a VARCHAR column', async () => {
    const db = await ordersDb(emu)
    expect((await load(db, 'k', '[{"id":1}]', { merge_condition: 'id' })).Message).toBe(
      'Merge condition column id should not be primary key!',
    )
    expect((await load(db, 'v', '[{"id":1}]', { merge_condition: 'name' })).Message).toBe(
      'Merge condition column has invalid type maybe bitmap/hll/percentile/json/varchar!',
    )
  })
})

describe('concurrent loads into one table', () => {
  it('all succeed, as on StarRocks, instead of failing with a MariaDB deadlock', async () => {
    // Root cause of the regression: two loads upserting overlapping keys of one table in
    // concurrent MariaDB transactions took gap locks in opposite orders and one failed
    // with "Deadlock found", a failure a real cluster never returns.
    const db = await ordersDb(emu)
    const bodies = Array.from({ length: 8 }, (_, i) =>
      JSON.stringify(
        Array.from({ length: 200 }, (_, k) => ({ id: (k * 7 + i * 13) % 300, name: `l${i}`, version: i })),
      ),
    )
    const results = await Promise.all(bodies.map((b, i) => load(db, `concurrent-${i}`, b)))
    expect(results.map((r) => r.Status)).toEqual(Array(8).fill('Success'))
    const [count] = await emu.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM \`${db}\`.orders`)
    expect(Number(count!.n)).toBe(
      new Set(bodies.flatMap((b) => (JSON.parse(b) as Array<{ id: number }>).map((r) => r.id))).size,
    )
  })
})
