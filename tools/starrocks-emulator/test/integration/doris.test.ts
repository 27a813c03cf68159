// Doris differences (§8): reply fields, NDJSON needs read_json_by_line, merge_type and the delete sign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { loadHeaders, ordersDb, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0], flavour: 'doris' })
})
afterAll(() => emu.stop())

const put = (db: string, label: string, body: string, extra: Record<string, string> = {}) =>
  rawRequest(`${emu.beUrls[0]}/api/${db}/orders/_stream_load`, { headers: loadHeaders(label, extra), body })

describe('Doris flavour', () => {
  it('replies with Comment, TwoPhaseCommit and StreamLoadPutTimeMs in Doris order', async () => {
    const db = await ordersDb(emu)
    const keys = Object.keys((await put(db, 'a', '[{"id":1}]')).json())
    expect(keys.slice(0, 6)).toEqual(['TxnId', 'Label', 'Comment', 'TwoPhaseCommit', 'Status', 'Message'])
    expect(keys).toContain('StreamLoadPutTimeMs')
  })

  it('requires read_json_by_line for NDJSON', async () => {
    const db = await ordersDb(emu)
    const nd = '{"id":1}\n{"id":2}\n'
    expect((await put(db, 'n1', nd, { strip_outer_array: 'false' })).json().Status).toBe('Fail')
    expect(
      (await put(db, 'n2', nd, { strip_outer_array: 'false', read_json_by_line: 'true' })).json().Status,
    ).toBe('Success')
  })

  it('deletes with merge_type DELETE and with __DORIS_DELETE_SIGN__, and prefixes failure messages', async () => {
    const db = await ordersDb(emu)
    await put(db, 's', '[{"id":1},{"id":2},{"id":3}]')
    await put(db, 'd1', '[{"id":1}]', { merge_type: 'DELETE' })
    await put(db, 'd2', '[{"id":2,"__DORIS_DELETE_SIGN__":1},{"id":4,"__DORIS_DELETE_SIGN__":0}]', {
      hidden_columns: '__DORIS_DELETE_SIGN__',
    })
    expect(await emu.query(`SELECT id FROM \`${db}\`.orders ORDER BY id`)).toEqual([{ id: '3' }, { id: '4' }])
    const bad = await put(db, 'f', '[{"id":null}]')
    expect(bad.json().Message).toBe('[DATA_QUALITY_ERROR]too many filtered rows')
    expect(bad.json().NumberLoadedRows).toBe(0)
  })

  it('updates only the listed columns with unique_key_update_mode UPDATE_FIXED_COLUMNS, which wins over partial_columns', async () => {
    const db = await ordersDb(emu)
    await put(db, 'u0', '[{"id":1,"name":"keep","version":1}]')
    const fixed = { columns: 'id,version', unique_key_update_mode: 'update_fixed_columns' }
    expect((await put(db, 'u1', '[{"id":1,"version":2}]', fixed)).json().Status).toBe('Success')
    expect(await emu.query(`SELECT name, version FROM \`${db}\`.orders`)).toEqual([
      { name: 'keep', version: 2 },
    ])
    // UPSERT beats the legacy flag: the whole row is replaced, name becomes NULL
    const upsert = { columns: 'id,version', unique_key_update_mode: 'UPSERT', partial_columns: 'true' }
    expect((await put(db, 'u2', '[{"id":1,"version":3}]', upsert)).json().Status).toBe('Success')
    expect(await emu.query(`SELECT name, version FROM \`${db}\`.orders`)).toEqual([
      { name: null, version: 3 },
    ])
    // the legacy flag alone still means a fixed-columns partial update
    await put(db, 'u3', '[{"id":1,"name":"again"}]')
    await put(db, 'u4', '[{"id":1,"version":4}]', { columns: 'id,version', partial_columns: 'true' })
    expect(await emu.query(`SELECT name, version FROM \`${db}\`.orders`)).toEqual([
      { name: 'again', version: 4 },
    ])
    const bad = await put(db, 'u5', '[{"id":1}]', { unique_key_update_mode: 'PARTIAL' })
    expect(bad.json().Message).toBe(
      "Invalid unique_key_partial_mode PARTIAL, must be one of 'UPSERT', 'UPDATE_FIXED_COLUMNS' or 'UPDATE_FLEXIBLE_COLUMNS'",
    )
  })
})
