// Exact values, text, deletes, helpers, failover, host rewrite and the Doris flavour.

import { createServer } from 'node:net'
import type { StarRocksEmulator } from '@sync/starrocks-emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildColumnsHeader, buildJsonPaths, rawJson, type StreamLoadClient } from '../../src/index.ts'
import { client, ordersDb, selectOrders, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
const clients: StreamLoadClient[] = []
beforeAll(async () => {
  emu = await startEmulator()
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(() => emu.stop())

const make = (db: string, options: Parameters<typeof client>[2] = {}, e = emu) => {
  const c = client(e, db, options)
  clients.push(c)
  return c
}

/** A loopback port with nothing listening (connections refused). */
async function deadPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

describe('values', () => {
  const AMOUNT = '1234567890123456789012345678.0123456789' // 28 + 10 digits: DECIMAL(38,10)
  const U64_MAX = '18446744073709551615' // BIGINT UNSIGNED max, 2^64 - 1

  it('keeps DECIMAL(38,10) and BIGINT UNSIGNED exact from rows (bigint, rawJson) and from a body', async () => {
    const db = await ordersDb(emu)
    const c = make(db)
    await c.load({
      table: 'orders',
      rows: [
        { id: 1, amount: AMOUNT, big: 2n ** 64n - 1n },
        { id: 2, big: rawJson(U64_MAX) },
      ],
    })
    await c.load({ table: 'orders', body: `{"id":3,"amount":-${AMOUNT},"big":${U64_MAX}}\n` })
    expect(await selectOrders(emu, db, 'id, amount, big')).toEqual([
      { id: '1', amount: AMOUNT, big: U64_MAX },
      { id: '2', amount: null, big: U64_MAX },
      { id: '3', amount: `-${AMOUNT}`, big: U64_MAX },
    ])
  })

  it('loads a row of Chinese text', async () => {
    const db = await ordersDb(emu)
    const name = '张三的订单：北京市朝阳区 😀'
    await make(db).load({ table: 'orders', rows: [{ id: 1, name }] })
    expect((await selectOrders(emu, db))[0]?.name).toBe(name)
  })

  it('deletes rows with __op, including rows that do not exist, using the header helpers', async () => {
    const db = await ordersDb(emu)
    const c = make(db)
    const cols = ['id', 'name', 'version']
    const headers = {
      columns: buildColumnsHeader(cols, { withOp: true }),
      jsonpaths: buildJsonPaths(cols, { withOp: true }),
    }
    expect(headers.columns).toBe('id,name,version,__op')
    await c.load({
      table: 'orders',
      ...headers,
      rows: [
        { id: 1, name: 'a', version: 1, __op: 0 },
        { id: 2, name: 'b', version: 1, __op: 0 },
      ],
    })
    const r = await c.load({
      table: 'orders',
      ...headers,
      rows: [
        { id: 1, __op: 1 },
        { id: 999, __op: 1 },
        { id: 2, name: 'b2', version: 2, __op: 0 },
      ],
    })
    expect(r).toMatchObject({ status: 'Success', loadedRows: 3 })
    expect(await selectOrders(emu, db)).toEqual([{ id: '2', name: 'b2', version: 2 }])
  })

  it('sends partial_update and merge_condition', async () => {
    const db = await ordersDb(emu)
    const c = make(db)
    await c.load({ table: 'orders', rows: [{ id: 1, name: 'keep', version: 5 }] })
    await c.load({
      table: 'orders',
      rows: [{ id: 1, version: 6 }],
      partialUpdate: true,
      columns: 'id,version',
    })
    await c.load({ table: 'orders', rows: [{ id: 1, name: 'stale', version: 4 }], mergeCondition: 'version' })
    expect(await selectOrders(emu, db)).toEqual([{ id: '1', name: 'keep', version: 6 }])
  })
})

describe('endpoints', () => {
  it('fails over to the next FE when the first refuses connections', async () => {
    const db = await ordersDb(emu)
    const dead = `127.0.0.1:${await deadPort()}`
    const r = await make(db, { endpoints: `${dead},${new URL(emu.feUrl).host}` }).load({
      table: 'orders',
      rows: [{ id: 1 }],
    })
    expect(r).toMatchObject({ status: 'Success', attempts: 2 })
  })

  it('fails over to the next BE when one is down (be mode)', async () => {
    const db = await ordersDb(emu)
    await emu.setBeDown(0, true)
    try {
      const r = await make(db, { mode: 'be', endpoints: emu.beUrls }).load({
        table: 'orders',
        rows: [{ id: 1 }],
      })
      expect(r).toMatchObject({ status: 'Success', attempts: 2, endpoint: emu.beUrls[1] })
    } finally {
      await emu.setBeDown(0, false)
    }
  })

  it('rewrites the advertised BE host of the redirect and of the error log URL', async () => {
    {
      const hidden = await startEmulator({
        bePorts: [0],
        advertisedBeAddresses: ['be-internal.invalid:8040'],
      })
      try {
        const db = await ordersDb(hidden)
        const c = make(
          db,
          { hostRewrite: { 'be-internal.invalid:8040': new URL(hidden.beUrls[0]!).host } },
          hidden,
        )
        expect((await c.load({ table: 'orders', rows: [{ id: 1 }] })).endpoint).toBe(hidden.beUrls[0])
        const err = await c
          .load({ table: 'orders', rows: [{ id: null }], strictMode: true })
          .catch((e: unknown) => e)
        expect((err as { errorLog?: string }).errorLog).toMatch(/^Error: NULL value/)
      } finally {
        await hidden.stop()
      }
    }
  })
})

describe('Doris flavour', () => {
  it('strips the credentials from Location, reads NDJSON by line and deletes with the delete sign', async () => {
    const doris = await startEmulator({ flavour: 'doris', bePorts: [0] })
    try {
      const db = await ordersDb(doris)
      const c = make(db, { flavour: 'doris' }, doris)
      await c.load({ table: 'orders', body: '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n' })
      const r = await c.load({
        table: 'orders',
        hiddenColumns: ['__DORIS_DELETE_SIGN__'],
        rows: [
          { id: 1, __DORIS_DELETE_SIGN__: 1 },
          { id: 3, name: 'c', __DORIS_DELETE_SIGN__: 0 },
        ],
      })
      expect(r.response).toHaveProperty('TwoPhaseCommit', 'false')
      expect((await selectOrders(doris, db)).map((x) => x.id)).toEqual(['2', '3'])
      await c.load({ table: 'orders', mergeType: 'DELETE', rows: [{ id: 2 }] })
      expect((await selectOrders(doris, db)).map((x) => x.id)).toEqual(['3'])
    } finally {
      await doris.stop()
    }
  })

  it('updates only the listed columns with partialUpdate (unique_key_update_mode) and refuses mergeCondition', async () => {
    const doris = await startEmulator({ flavour: 'doris', bePorts: [0] })
    try {
      const db = await ordersDb(doris)
      const c = make(db, { flavour: 'doris' }, doris)
      await c.load({ table: 'orders', rows: [{ id: 1, name: 'keep', version: 1 }] })
      await c.load({
        table: 'orders',
        rows: [{ id: 1, version: 2 }],
        columns: 'id,version',
        partialUpdate: true,
      })
      expect(await selectOrders(doris, db)).toEqual([{ id: '1', name: 'keep', version: 2 }])
      const err = await c
        .load({ table: 'orders', label: 'mc_1', rows: [{ id: 1, version: 3 }], mergeCondition: 'version' })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SL_INVALID_ARGUMENT', retriable: false })
      expect((err as Error).message).toContain('sequenceColumn (function_column.sequence_col)')
      expect(doris.labelState(db, 'mc_1')).toBeUndefined()
    } finally {
      await doris.stop()
    }
  })
})
