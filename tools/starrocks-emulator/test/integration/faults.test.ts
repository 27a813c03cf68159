// Fault injection: latency, 5xx, connection reset, Publish Timeout, a BE down.
import { waitFor } from '@sync/test-kit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { AUTH, loadHeaders, ordersDb, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0, 0] })
})
afterEach(() => emu.clearFaults())
afterAll(() => emu.stop())

const put = (db: string, label: string, be = 0) =>
  rawRequest(`${emu.beUrls[be]}/api/${db}/orders/_stream_load`, {
    headers: loadHeaders(label),
    body: '[{"id":1}]',
  })

describe('faults', () => {
  it('answers an injected 5xx once, then behaves', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'http-error', status: 502, times: 1 })
    expect((await put(db, 'h')).status).toBe(502)
    expect((await put(db, 'h')).json().Status).toBe('Success')
  })

  it('resets the connection', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'reset', target: 1, times: 1 })
    await expect(put(db, 'r', 1)).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(emu.labelState(db, 'r')).toBeUndefined()
  })

  it('holds the reply back after applying the load (an unknown outcome for the client)', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'latency', ms: 1000, times: 1 })
    let answered = false
    const pending = put(db, 'l').then((r) => {
      answered = true
      return r
    })
    await waitFor(() => emu.labelState(db, 'l') === 'VISIBLE', { what: 'the load to be applied' })
    expect(answered).toBe(false)
    expect(await emu.query(`SELECT id FROM \`${db}\`.orders`)).toEqual([{ id: '1' }])
    expect((await pending).json().Status).toBe('Success')
  })

  it('answers Publish Timeout and makes the rows visible later', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'publish-timeout', visibleAfterMs: 300, times: 1 })
    const res = await put(db, 'pt')
    expect(res.json()).toMatchObject({ Status: 'Publish Timeout', NumberLoadedRows: 1 })
    expect(emu.labelState(db, 'pt')).toBe('COMMITTED')
    expect(await emu.query(`SELECT id FROM \`${db}\`.orders`)).toEqual([])
    await new Promise((r) => setTimeout(r, 500))
    expect(emu.labelState(db, 'pt')).toBe('VISIBLE')
    expect(await emu.query(`SELECT id FROM \`${db}\`.orders`)).toEqual([{ id: '1' }])
    const again = await put(db, 'pt')
    expect(again.json()).toMatchObject({ Status: 'Label Already Exists', ExistingJobStatus: 'FINISHED' })
  })

  it('fails the begin of a transaction with the running-txn limit, leaving the label free', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'load-fail', times: 1 })
    expect((await put(db, 'lf')).json()).toMatchObject({
      TxnId: -1,
      Status: 'Fail',
      Message: `current running txns on db ${db} is 100, larger than limit 100`,
    })
    expect(emu.labelState(db, 'lf')).toBeUndefined()
    expect((await put(db, 'lf')).json().Status).toBe('Success')
  })

  it('takes a BE down (connection refused) and brings it back on the same port', async () => {
    const db = await ordersDb(emu)
    await emu.setBeDown(0, true)
    await expect(put(db, 'd1')).rejects.toThrow(/ECONNREFUSED/)
    await emu.setBeDown(0, false)
    expect((await put(db, 'd1')).json().Status).toBe('Success')
  })

  it('delays the FE redirect', async () => {
    emu.setFault({ kind: 'latency', ms: 800, target: 'fe', times: 1 })
    let answered = false
    const pending = rawRequest(`${emu.feUrl}/api/x/y/_stream_load`, {
      expect: true,
      headers: { Authorization: AUTH },
    })
    void pending.then(() => {
      answered = true
    })
    await new Promise((r) => setTimeout(r, 200))
    expect(answered).toBe(false)
    expect((await pending).status).toBe(307)
  })
})
