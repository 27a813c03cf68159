// The client's failure paths against the emulator: INSERT privilege (both routes), the FE's
// "No backend alive.", a generic Status: Fail, connections refused until retries run out,
// and use after close. Each checks the code, the retriable flag and the attempts a caller
// branches on.

import type { StarRocksEmulator } from '@sync/starrocks-emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type StreamLoadClient, StreamLoadError } from '../../src/index.ts'
import { client, ordersDb, PASSWORD, selectOrders, startEmulator, USER } from './harness.ts'

const DENIED = 'Access denied; you need (at least one of) the INSERT privilege(s) for this operation'

let emu: StarRocksEmulator
const clients: StreamLoadClient[] = []
beforeAll(async () => {
  emu = await startEmulator()
})
afterEach(async () => {
  emu.clearFaults()
  emu.setGrants(USER, undefined)
  await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, false)))
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

describe('INSERT privilege', () => {
  it('fails with SL_AUTH (HTTP 401), not retried, when the FE refuses INSERT on the table', async () => {
    const db = await ordersDb(emu)
    const granted = await ordersDb(emu)
    emu.setGrants(USER, [`${granted}.orders`])
    const err = await failure(make(db).load({ table: 'orders', label: 'nopriv_fe', rows: [{ id: 1 }] }))
    expect(err).toMatchObject({
      code: 'SL_AUTH',
      retriable: false,
      attempts: 1,
      httpStatus: 401,
      label: 'nopriv_fe',
      serverMessage: DENIED,
    })
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(PASSWORD)
    expect(emu.labelState(db, 'nopriv_fe')).toBeUndefined()
    // the grant holds where it was given
    expect((await make(granted).load({ table: 'orders', rows: [{ id: 1 }] })).status).toBe('Success')
  })

  it('fails with SL_AUTH (Status Fail), not retried, when a BE-direct load lacks INSERT', async () => {
    const db = await ordersDb(emu)
    emu.setGrants(USER, [])
    const err = await failure(
      make(db, { mode: 'be', endpoints: emu.beUrls }).load({
        table: 'orders',
        label: 'nopriv_be',
        rows: [{ id: 1 }],
      }),
    )
    expect(err).toMatchObject({
      code: 'SL_AUTH',
      retriable: false,
      attempts: 1,
      httpStatus: 200,
      status: 'Fail',
      txnId: -1,
      serverMessage: DENIED,
    })
    expect(await selectOrders(emu, db)).toEqual([])
  })
})

describe('FE without a live BE', () => {
  it('retries "No backend alive." (SL_FE_REJECTED, retriable) and gives up with it as the cause', async () => {
    const db = await ordersDb(emu)
    await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, true)))
    const err = await failure(
      make(db, { retry: { maxAttempts: 3, initialDelayMs: 1 } }).load({ table: 'orders', rows: [{ id: 1 }] }),
    )
    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', attempts: 3, retriable: true })
    expect(err.cause).toMatchObject({
      code: 'SL_FE_REJECTED',
      retriable: true,
      httpStatus: 200,
      status: 'FAILED',
      serverMessage: 'No backend alive.',
    })
  })

  it('loads once a BE is back within the retries', async () => {
    const db = await ordersDb(emu)
    await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, true)))
    const pending = make(db, { retry: { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 200 } }).load({
      table: 'orders',
      label: 'back_1',
      rows: [{ id: 1 }],
    })
    await new Promise((r) => setTimeout(r, 250))
    await emu.setBeDown(1, false)
    const r = await pending
    expect(r).toMatchObject({ status: 'Success', endpoint: emu.beUrls[1] })
    expect(r.attempts).toBeGreaterThan(1)
    expect(emu.loads.applied('back_1', db)).toBe(1)
  })
})

describe('other failures', () => {
  it('retries a generic Status: Fail (SL_LOAD_FAILED) with the same label and loads once', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'load-fail', times: 1 })
    const r = await make(db).load({ table: 'orders', label: 'lf_1', rows: [{ id: 1 }] })
    expect(r).toMatchObject({ status: 'Success', attempts: 2 })
    expect(emu.loads.applied('lf_1', db)).toBe(1)
  })

  it('reports SL_LOAD_FAILED with the server message as the cause when it persists', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'load-fail', message: 'current running txns on db x is 100, larger than limit 100' })
    const err = await failure(
      make(db, { retry: { maxAttempts: 2, initialDelayMs: 1 } }).load({ table: 'orders', rows: [{ id: 1 }] }),
    )
    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', attempts: 2 })
    expect(err.cause).toMatchObject({
      code: 'SL_LOAD_FAILED',
      retriable: true,
      status: 'Fail',
      txnId: -1,
      serverMessage: 'current running txns on db x is 100, larger than limit 100',
    })
  })

  it('gives up with SL_CONNECTION as the cause when every BE refuses connections (be mode)', async () => {
    const db = await ordersDb(emu)
    await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, true)))
    const err = await failure(
      make(db, { mode: 'be', endpoints: emu.beUrls, retry: { maxAttempts: 3, initialDelayMs: 1 } }).load({
        table: 'orders',
        label: 'conn_1',
        rows: [{ id: 1 }],
      }),
    )
    expect(err).toMatchObject({ code: 'SL_RETRIES_EXHAUSTED', attempts: 3, retriable: true, label: 'conn_1' })
    const cause = err.cause as StreamLoadError
    expect(cause).toMatchObject({ code: 'SL_CONNECTION', retriable: true, label: 'conn_1' })
    expect(emu.beUrls).toContain(cause.endpoint)
    expect(cause.message).toMatch(/ECONNREFUSED/)
  })

  it('fails with SL_CLOSED, not retriable, for a load after close()', async () => {
    const db = await ordersDb(emu)
    const c = client(emu, db)
    expect((await c.load({ table: 'orders', rows: [{ id: 1 }] })).status).toBe('Success')
    await c.close()
    const err = await failure(c.load({ table: 'orders', label: 'closed_1', rows: [{ id: 2 }] }))
    expect(err).toMatchObject({ code: 'SL_CLOSED', retriable: false })
    expect(emu.labelState(db, 'closed_1')).toBeUndefined()
    expect((await selectOrders(emu, db)).map((x) => x.id)).toEqual(['1'])
  })
})
