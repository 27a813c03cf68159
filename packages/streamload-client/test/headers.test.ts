import { describe, expect, it } from 'vitest'
import type { StreamLoadError } from '../src/errors.ts'
import { buildLoadHeaders, checkLoadRequest, type LoadRequest } from '../src/headers.ts'
import { resolveOptions } from '../src/options.ts'

const load = (label: string) => ({ table: 't', rows: [{ a: 1 }], label })

describe('load labels', () => {
  it('accepts the characters StarRocks accepts (^[-\\w]{1,128}$)', () => {
    expect(() => checkLoadRequest(load('sync-orders-3-100-199_0'))).not.toThrow()
    expect(() => checkLoadRequest(load('x'.repeat(128)))).not.toThrow()
  })

  it("refuses ':' , '.', spaces and labels over 128 characters for StarRocks, naming the label", () => {
    for (const bad of ['a:b', 'ods.order-1', 'a b', 'x'.repeat(129), ''])
      expect(() => checkLoadRequest(load(bad)), bad).toThrow(
        `load.label must match ^[-\\w]{1,128}$ (starrocks), received ${JSON.stringify(bad)}`,
      )
  })

  it("accepts ':' for Doris, whose FE allows it, and still refuses '.'", () => {
    expect(() => checkLoadRequest(load('job:1-2'), 'doris')).not.toThrow()
    expect(() => checkLoadRequest(load('a.b'), 'doris')).toThrow('(doris)')
  })
})

// Every header buildLoadHeaders sends, written from the protocol reference (§2.1 StarRocks
// header table; §8 Doris header names; §0.5 strip_outer_array + ignore_json_size for a JSON
// array body; §8 read_json_by_line for Doris NDJSON), not from the code.
describe('buildLoadHeaders', () => {
  const starrocks = resolveOptions({ endpoints: 'fe:8030', user: 'u', database: 'd' })
  const doris = resolveOptions({ endpoints: 'fe:8030', user: 'u', database: 'd', flavour: 'doris' })
  const rows = [{ id: 1 }]

  it('sends every StarRocks option under its STREAM_LOAD.md header name', () => {
    const req: LoadRequest = {
      table: 't',
      rows,
      columns: 'id,name,__op',
      jsonpaths: '["$.id","$.name","$.__op"]',
      partialUpdate: true,
      partialUpdateMode: 'column',
      mergeCondition: 'version',
      timeoutSeconds: 120,
      maxFilterRatio: 0.25,
      strictMode: true,
      timezone: 'Asia/Shanghai',
    }
    checkLoadRequest(req, 'starrocks')
    expect(buildLoadHeaders(req, starrocks, 'lbl-1', 'array', 120)).toEqual({
      label: 'lbl-1',
      format: 'json',
      strip_outer_array: 'true',
      ignore_json_size: 'true',
      timeout: '120',
      columns: 'id,name,__op',
      jsonpaths: '["$.id","$.name","$.__op"]',
      partial_update: 'true',
      partial_update_mode: 'column',
      merge_condition: 'version',
      max_filter_ratio: '0.25',
      strict_mode: 'true',
      timezone: 'Asia/Shanghai',
    })
  })

  it('sends only the required StarRocks headers when no option is set, and false flags as false', () => {
    expect(buildLoadHeaders({ table: 't', rows }, starrocks, 'l', 'array', 600)).toEqual({
      label: 'l',
      format: 'json',
      strip_outer_array: 'true',
      ignore_json_size: 'true',
      timeout: '600',
    })
    const off = buildLoadHeaders(
      { table: 't', rows, partialUpdate: false, strictMode: false, maxFilterRatio: 0 },
      starrocks,
      'l',
      'array',
      600,
    )
    expect(off).toMatchObject({ partial_update: 'false', strict_mode: 'false', max_filter_ratio: '0' })
  })

  it('declares an NDJSON body with strip_outer_array false (StarRocks detects NDJSON from the first byte)', () => {
    const h = buildLoadHeaders({ table: 't', body: '{"id":1}\n' }, starrocks, 'l', 'objects', 600)
    expect(h.strip_outer_array).toBe('false')
    expect(h).not.toHaveProperty('read_json_by_line')
  })

  it('sends every Doris option under its http_common.h name', () => {
    const req: LoadRequest = {
      table: 't',
      body: '{"id":1}\n',
      columns: 'id,name,__DORIS_DELETE_SIGN__',
      jsonpaths: '["$.id","$.name","$.__DORIS_DELETE_SIGN__"]',
      partialUpdate: true,
      timeoutSeconds: 30,
      maxFilterRatio: 0.1,
      strictMode: false,
      timezone: 'UTC',
      mergeType: 'MERGE',
      hiddenColumns: ['__DORIS_DELETE_SIGN__'],
      sequenceColumn: 'version',
    }
    checkLoadRequest(req, 'doris')
    expect(buildLoadHeaders(req, doris, 'job:1', 'objects', 30)).toEqual({
      label: 'job:1',
      format: 'json',
      strip_outer_array: 'false',
      read_json_by_line: 'true',
      ignore_json_size: 'true',
      timeout: '30',
      columns: 'id,name,__DORIS_DELETE_SIGN__',
      jsonpaths: '["$.id","$.name","$.__DORIS_DELETE_SIGN__"]',
      // unique_key_update_mode (UPSERT | UPDATE_FIXED_COLUMNS | UPDATE_FLEXIBLE_COLUMNS) is the
      // current name; partial_columns the legacy one, read only when the former is absent
      unique_key_update_mode: 'UPDATE_FIXED_COLUMNS',
      partial_columns: 'true',
      max_filter_ratio: '0.1',
      strict_mode: 'false',
      timezone: 'UTC',
      merge_type: 'MERGE',
      hidden_columns: '__DORIS_DELETE_SIGN__',
      'function_column.sequence_col': 'version',
    })
  })

  it('asks Doris for a whole-row upsert when partialUpdate is false', () => {
    const h = buildLoadHeaders({ table: 't', rows, partialUpdate: false }, doris, 'l', 'array', 600)
    expect(h).toMatchObject({ unique_key_update_mode: 'UPSERT', partial_columns: 'false' })
    expect(h).not.toHaveProperty('partial_update')
    expect(h).not.toHaveProperty('read_json_by_line')
  })

  it('lets raw headers replace built ones whatever their case, and adds unknown ones', () => {
    const h = buildLoadHeaders(
      {
        table: 't',
        rows,
        strictMode: true,
        headers: { Timeout: '5', STRICT_MODE: 'false', warehouse: 'wh2' },
      },
      starrocks,
      'l',
      'array',
      600,
    )
    expect(h).toEqual({
      label: 'l',
      format: 'json',
      strip_outer_array: 'true',
      ignore_json_size: 'true',
      Timeout: '5',
      STRICT_MODE: 'false',
      warehouse: 'wh2',
    })
  })

  it('refuses raw headers the client manages', () => {
    for (const k of ['Authorization', 'expect', 'Content-Length', 'Host', 'Transfer-Encoding', 'Label'])
      expect(() =>
        buildLoadHeaders({ table: 't', rows, headers: { [k]: 'x' } }, starrocks, 'l', 'array', 600),
      ).toThrow(`load.headers.${k} is managed by the client`)
  })
})

describe('flavour-specific load fields', () => {
  const rows = [{ id: 1 }]
  const code = (fn: () => void) => {
    try {
      fn()
    } catch (e) {
      return (e as StreamLoadError).code
    }
    return undefined
  }

  it('refuses mergeCondition on Doris, pointing at the sequence column', () => {
    const fn = () => checkLoadRequest({ table: 't', rows, mergeCondition: 'version' }, 'doris')
    expect(fn).toThrow(
      /load\.mergeCondition is StarRocks-only.*sequenceColumn \(function_column\.sequence_col\)/,
    )
    expect(code(fn)).toBe('SL_INVALID_ARGUMENT')
  })

  it('refuses partialUpdateMode on Doris, which has no row/column mode', () => {
    expect(() => checkLoadRequest({ table: 't', rows, partialUpdateMode: 'row' }, 'doris')).toThrow(
      /load\.partialUpdateMode is StarRocks-only.*unique_key_update_mode/,
    )
  })

  it('refuses Doris-only fields on StarRocks, which would ignore them silently', () => {
    for (const field of [
      { mergeType: 'DELETE' },
      { hiddenColumns: ['x'] },
      { sequenceColumn: 'v' },
    ] as const) {
      const name = Object.keys(field)[0]
      expect(() => checkLoadRequest({ table: 't', rows, ...field }), name).toThrow(
        `load.${name} is Doris-only`,
      )
    }
  })

  it('checks the values of enumerated and boolean fields, naming the field and the value', () => {
    expect(() => checkLoadRequest({ table: 't', rows, partialUpdateMode: 'fast' as never })).toThrow(
      'load.partialUpdateMode must be row, column or auto, received "fast"',
    )
    expect(() => checkLoadRequest({ table: 't', rows, mergeType: 'delete' as never }, 'doris')).toThrow(
      'load.mergeType must be APPEND, DELETE or MERGE, received "delete"',
    )
    expect(() => checkLoadRequest({ table: 't', rows, strictMode: 'true' as never })).toThrow(
      'load.strictMode must be a boolean, received "true"',
    )
    expect(() => checkLoadRequest({ table: 't', rows, database: '' })).toThrow(
      'load.database must be a non-empty string, received ""',
    )
    expect(() => checkLoadRequest({ table: 't', rows, headers: { warehouse: 1 as never } })).toThrow(
      'load.headers.warehouse must be a string, received 1',
    )
  })
})
