// JSON reading (§3): shape detection, strip_outer_array, simple and jsonpaths modes,
// conversion, filtered rows against max_filter_ratio, the error log, and exact values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { AUTH, loadHeaders, ordersDb, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0] })
})
afterAll(() => emu.stop())

const load = (db: string, label: string, body: string, extra: Record<string, string> = {}) =>
  rawRequest(`${emu.beUrls[0]}/api/${db}/orders/_stream_load`, { headers: loadHeaders(label, extra), body })
const rows = (db: string, cols = 'id, name, version') =>
  emu.query<Array<Record<string, unknown>>>(`SELECT ${cols} FROM \`${db}\`.orders ORDER BY id`)

describe('JSON shapes', () => {
  it('fails a top-level array without strip_outer_array', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'a', '[{"id":1}]', { strip_outer_array: 'false' })
    expect(res.json().Message).toBe(
      'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows',
    )
  })

  it('reads NDJSON (and concatenated objects) as a document stream', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'n', '{"id":1,"name":"x"}\n{"id":2}{"id":3}\n', { strip_outer_array: 'false' })
    expect(res.json()).toMatchObject({ Status: 'Success', NumberLoadedRows: 3 })
    expect((await rows(db)).map((r) => r.id)).toEqual(['1', '2', '3'])
  })

  it('fails an object body when strip_outer_array is true', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'o', '{"id":1}')
    expect(String(res.json().Message)).toMatch(/^the value should be array type with strip_outer_array=true/)
  })

  it('fails a body that starts with neither { nor [, and malformed JSON', async () => {
    const db = await ordersDb(emu)
    expect((await load(db, 'i', 'id=1')).json().Message).toBe('illegal json started with i')
    const broken = await load(db, 'b', '[{"id":1,"name":"abc}]')
    expect(String(broken.json().Message)).toMatch(
      /^Failed to parse json as array\. error: A string is opened, but never closed/,
    )
  })

  it('fails the whole load when an array element is not an object', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'e', '[{"id":1}, 5]')
    expect(res.json().Status).toBe('Fail')
    expect(String(res.json().Message)).toMatch(/^Failed to iterate json array as object/)
    expect(await rows(db)).toEqual([])
  })
})

describe('row construction', () => {
  it('matches keys by exact name, ignores unknown keys, first duplicate wins, missing keys load NULL', async () => {
    const db = await ordersDb(emu)
    await load(db, 'a', '[{"id":1,"name":"old","version":7}]')
    const res = await load(db, 'b', '[{"id":1,"NAME":"upper","extra":1,"version":3,"version":4}]')
    expect(res.json().Status).toBe('Success')
    expect(await rows(db)).toEqual([{ id: '1', name: null, version: 3 }])
  })

  it('maps jsonpaths to the columns header by position, NULL for missing paths', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'p', '[{"k":{"id":5},"who":"n5"},{"k":{"id":6}}]', {
      jsonpaths: '["$.k.id","$.who","$.nope"]',
      columns: 'id, name, version',
    })
    expect(res.json()).toMatchObject({ Status: 'Success', NumberLoadedRows: 2 })
    expect(await rows(db)).toEqual([
      { id: '5', name: 'n5', version: null },
      { id: '6', name: null, version: null },
    ])
  })

  it('rejects a columns mapping to a column the table does not have', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'm', '[{"id":1}]', { columns: 'id, tmp, name = tmp, nope = tmp' })
    expect(res.json().Message).toBe('Mapping column is not in table. column: nope')
  })

  it('keeps DECIMAL(38,10) and LARGEINT values exact, and Chinese text', async () => {
    const db = await ordersDb(emu)
    const body =
      '[{"id":1,"amount":"1234567890123456789012345678.0123456789","big":18446744073709551615,"name":"订单-中文"},' +
      '{"id":2,"amount":-0.0000000001,"big":"-170141183460469231731687303715884105728"}]'
    expect((await load(db, 'x', body)).json().Status).toBe('Success')
    expect(await rows(db, 'id, amount, big, name')).toEqual([
      {
        id: '1',
        amount: '1234567890123456789012345678.0123456789',
        big: '18446744073709551615',
        name: '订单-中文',
      },
      { id: '2', amount: '-0.0000000001', big: '-170141183460469231731687303715884105728', name: null },
    ])
  })

  it('stores JSON columns as JSON text and DATETIME with microseconds', async () => {
    const db = await ordersDb(emu)
    const body =
      '[{"id":1,"doc":{"a":[1,2.50],"b":"x"},"created_at":"2024-02-29 23:59:58.123456"},{"id":2,"doc":"s"}]'
    expect((await load(db, 'j', body)).json().Status).toBe('Success')
    expect(await rows(db, 'id, doc, created_at')).toEqual([
      { id: '1', doc: '{"a":[1,2.50],"b":"x"}', created_at: '2024-02-29 23:59:58.123456' },
      { id: '2', doc: '"s"', created_at: null },
    ])
  })
})

describe('filtering', () => {
  it('fails with too many filtered rows past max_filter_ratio, counting rows, with an error log', async () => {
    const db = await ordersDb(emu)
    // name is VARCHAR(20): 21 bytes is too long; the key may not be NULL
    const body = `[{"id":1},{"id":null},{"id":3,"name":"${'x'.repeat(21)}"},{"id":4}]`
    const res = await load(db, 'f', body, { strict_mode: 'true' })
    expect(res.json()).toMatchObject({
      Status: 'Fail',
      Message: 'too many filtered rows',
      NumberTotalRows: 4,
      NumberLoadedRows: 2,
      NumberFilteredRows: 2,
    })
    const log = await rawRequest(String(res.json().ErrorURL), {
      method: 'GET',
      headers: { Authorization: AUTH },
    })
    expect(log.text.trim().split('\n')).toEqual([
      `Error: NULL value in non-nullable column 'id'. Row: {"id":null}`,
      `Error: Value length is beyond the capacity. column=name, capacity=20. Row: {"id":3,"name":"${'x'.repeat(21)}"}`,
    ])
    expect(await rows(db)).toEqual([])
    expect(emu.labelState(db, 'f')).toBe('ABORTED')
  })

  it('loads the good rows when the filtered share is within max_filter_ratio', async () => {
    const db = await ordersDb(emu)
    const res = await load(db, 'g', '[{"id":1},{"id":null},{"id":3}]', { max_filter_ratio: '0.5' })
    expect(res.json()).toMatchObject({ Status: 'Success', NumberLoadedRows: 2, NumberFilteredRows: 1 })
    expect(res.json().ErrorURL).toMatch(/\/api\/_load_error_log\?file=error_log_/)
    expect((await rows(db)).map((r) => r.id)).toEqual(['1', '3'])
  })

  it('turns an unconvertible value into NULL without strict mode, and filters it with strict mode', async () => {
    const db = await ordersDb(emu)
    const lax = await load(db, 's1', '[{"id":1,"version":"abc"}]')
    expect(lax.json()).toMatchObject({ Status: 'Success', NumberFilteredRows: 0 })
    expect(await rows(db)).toEqual([{ id: '1', name: null, version: null }])
    const strict = await load(db, 's2', '[{"id":2,"version":"abc"}]', {
      strict_mode: 'true',
      max_filter_ratio: '1',
    })
    expect(strict.json()).toMatchObject({
      Status: 'Fail',
      NumberFilteredRows: 1,
      Message: 'all partitions have no load data',
    })
  })
})
