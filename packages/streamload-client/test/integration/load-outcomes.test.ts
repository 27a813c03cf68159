// The client against the emulator, for each outcome path of §0/§4: Success, Publish Timeout,
// Label Already Exists (FINISHED, RUNNING), and the typed failures.

import type { StarRocksEmulator } from '@sync/starrocks-emulator'
import { waitFor } from '@sync/test-kit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type StreamLoadClient, StreamLoadError } from '../../src/index.ts'
import { client, ordersDb, PASSWORD, selectOrders, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
const clients: StreamLoadClient[] = []
beforeAll(async () => {
  emu = await startEmulator()
})
afterEach(async () => {
  emu.clearFaults()
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(() => emu.stop())

const make = (db: string, options: Parameters<typeof client>[2] = {}) => {
  const c = client(emu, db, options)
  clients.push(c)
  return c
}

async function failure(p: Promise<unknown>): Promise<StreamLoadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(StreamLoadError)
  return err as StreamLoadError
}

describe('outcomes', () => {
  it('loads rows through the FE redirect and reports Success', async () => {
    const db = await ordersDb(emu)
    const r = await make(db).load({
      table: 'orders',
      label: 'ok_1',
      rows: [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
    })
    expect(r).toMatchObject({
      status: 'Success',
      label: 'ok_1',
      visible: true,
      loadedRows: 2,
      filteredRows: 0,
      attempts: 1,
    })
    expect(r.txnId).toBeGreaterThan(0)
    expect(emu.beUrls).toContain(r.endpoint)
    expect((await selectOrders(emu, db)).map((x) => x.name)).toEqual(['a', 'b'])
  })

  it('loads directly into a BE in be mode', async () => {
    const db = await ordersDb(emu)
    const r = await make(db, { mode: 'be', endpoints: emu.beUrls }).load({
      table: 'orders',
      rows: [{ id: 7 }],
    })
    expect(r.status).toBe('Success')
    expect(r.label).toMatch(/^sl-/)
    expect((await selectOrders(emu, db)).map((x) => x.id)).toEqual(['7'])
  })

  it('reports Publish Timeout as a success not yet visible, and the rows appear later', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'publish-timeout', visibleAfterMs: 300, times: 1 })
    const r = await make(db).load({ table: 'orders', label: 'pt_1', rows: [{ id: 1 }] })
    expect(r).toMatchObject({ status: 'Publish Timeout', visible: false, attempts: 1 })
    await waitFor(async () => (await selectOrders(emu, db)).length === 1, { what: 'the published row' })
    expect(emu.loads.applied('pt_1', db)).toBe(1)
  })

  it('treats Label Already Exists with FINISHED as success without loading twice', async () => {
    const db = await ordersDb(emu)
    const c = make(db)
    await c.load({ table: 'orders', label: 'again_1', rows: [{ id: 1, version: 1 }] })
    const r = await c.load({ table: 'orders', label: 'again_1', rows: [{ id: 1, version: 2 }] })
    expect(r).toMatchObject({ status: 'Label Already Exists', txnId: -1, attempts: 1 })
    expect(emu.loads.applied('again_1', db)).toBe(1)
    expect(await selectOrders(emu, db)).toEqual([{ id: '1', name: null, version: 1 }])
  })

  it('retries with the same label after a client-side timeout and applies the batch once', async () => {
    const db = await ordersDb(emu)
    // the BE applies the load, then answers after the client gave up: an unknown outcome
    emu.setFault({ kind: 'latency', ms: 1500, phase: 'after-apply', times: 1 })
    const r = await make(db, { requestTimeoutMs: 400 }).load({
      table: 'orders',
      label: 'tmo_1',
      rows: [{ id: 1 }, { id: 2 }],
    })
    expect(r).toMatchObject({ status: 'Label Already Exists', attempts: 2 })
    expect(emu.loads.applied('tmo_1', db)).toBe(1)
    expect(await selectOrders(emu, db)).toHaveLength(2)
  })

  it('backs off while the label is RUNNING, then reports it loaded', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'latency', ms: 1200, phase: 'before-apply', times: 1 })
    const c = make(db, {
      requestTimeoutMs: 300,
      retry: { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 400 },
    })
    const r = await c.load({ table: 'orders', label: 'run_1', rows: [{ id: 1 }] })
    expect(r.status).toBe('Label Already Exists')
    expect(r.attempts).toBeGreaterThan(2)
    expect(emu.loads.applied('run_1', db)).toBe(1)
  })

  it('fails with SL_FILTERED_ROWS, not retried, carrying the bounded error log', async () => {
    const db = await ordersDb(emu)
    const rows = [{ id: 1 }, { id: null, name: 'x' }, { id: 3, name: 'y'.repeat(65) }]
    const err = await failure(
      make(db, { maxErrorLogBytes: 60 }).load({ table: 'orders', label: 'f_1', rows, strictMode: true }),
    )
    expect(err).toMatchObject({
      code: 'SL_FILTERED_ROWS',
      retriable: false,
      label: 'f_1',
      filteredRows: 2,
      attempts: 1,
    })
    expect(err.errorLog).toMatch(/^Error: NULL value in non-nullable column 'id'\. Row: \{"id"/)
    expect(Buffer.byteLength(err.errorLog ?? '')).toBe(60) // the log is longer; the rest is dropped
    expect(err.errorUrl).toMatch(/_load_error_log\?file=/)
  })

  it('fails with SL_BAD_REQUEST for an unknown table, without retrying', async () => {
    const db = await ordersDb(emu)
    const err = await failure(make(db).load({ table: 'missing', rows: [{ id: 1 }] }))
    expect(err).toMatchObject({
      code: 'SL_BAD_REQUEST',
      retriable: false,
      attempts: 1,
      httpStatus: 200,
      status: 'Fail',
    })
    expect(err.serverMessage).toBe(`unknown table "${db}.missing"`)
  })

  it('fails with SL_BAD_DATA for a body StarRocks cannot read', async () => {
    const db = await ordersDb(emu)
    const err = await failure(make(db).load({ table: 'orders', body: '[{"id":1,"name":"open}]' }))
    expect(err).toMatchObject({ code: 'SL_BAD_DATA', retriable: false })
  })

  it('fails with SL_AUTH on a wrong password at the FE (401) and at a BE, never showing the password', async () => {
    const db = await ordersDb(emu)
    const fe = await failure(
      make(db, { password: `${PASSWORD}x` }).load({ table: 'orders', rows: [{ id: 1 }] }),
    )
    expect(fe).toMatchObject({ code: 'SL_AUTH', httpStatus: 401, retriable: false })
    const be = await failure(
      make(db, { mode: 'be', endpoints: emu.beUrls, password: 'wrong' }).load({
        table: 'orders',
        rows: [{ id: 1 }],
      }),
    )
    expect(be).toMatchObject({ code: 'SL_AUTH', httpStatus: 200 })
    for (const e of [fe, be]) expect(JSON.stringify({ ...e, message: e.message })).not.toContain(PASSWORD)
  })

  it('retries an injected 5xx and a connection reset, then succeeds', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'http-error', status: 503, times: 1 })
    emu.setFault({ kind: 'reset', times: 1 })
    const r = await make(db).load({ table: 'orders', label: 'flaky_1', rows: [{ id: 1 }] })
    expect(r).toMatchObject({ status: 'Success', attempts: 3 })
    expect(emu.loads.applied('flaky_1', db)).toBe(1)
  })

  it('gives up with SL_RETRIES_EXHAUSTED carrying the last error', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'http-error', status: 500, target: 'fe' })
    const err = await failure(
      make(db, { retry: { maxAttempts: 3, initialDelayMs: 1 } }).load({ table: 'orders', rows: [{ id: 1 }] }),
    )
    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', attempts: 3, retriable: true })
    expect((err.cause as StreamLoadError).code).toBe('SL_HTTP')
  })
})
