// BE `_stream_load` checks in the order of §1.3, the reply body of §4.1 and labels (§5.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { AUTH, loadHeaders, ordersDb, rawRequest, startEmulator } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0], maxJsonBytes: 64 })
})
afterAll(() => emu.stop())

const url = (db: string, table = 'orders') => `${emu.beUrls[0]}/api/${db}/${table}/_stream_load`

// §4.1, StreamLoadContext::to_json
const SUCCESS_FIELDS = [
  'TxnId',
  'Label',
  'Status',
  'Message',
  'NumberTotalRows',
  'NumberLoadedRows',
  'NumberFilteredRows',
  'NumberUnselectedRows',
  'LoadBytes',
  'LoadTimeMs',
  'BeginTxnTimeMs',
  'StreamLoadPlanTimeMs',
  'ReadDataTimeMs',
  'WriteDataTimeMs',
  'CommitAndPublishTimeMs',
]

describe('BE _stream_load protocol', () => {
  it('replies Success in HTTP 200 with the fields in StarRocks order, pretty-printed', async () => {
    const db = await ordersDb(emu)
    const body = '[{"id":1,"name":"a"},{"id":2,"name":"b"}]'
    const res = await rawRequest(url(db), { headers: loadHeaders('ok_1'), body })
    expect(res.status).toBe(200)
    expect(Object.keys(res.json())).toEqual(SUCCESS_FIELDS)
    expect(res.text).toContain('\n    "TxnId": ')
    expect(res.json()).toMatchObject({
      Label: 'ok_1',
      Status: 'Success',
      Message: 'OK',
      NumberTotalRows: 2,
      NumberLoadedRows: 2,
      NumberFilteredRows: 0,
      LoadBytes: Buffer.byteLength(body),
    })
    expect(res.json().TxnId).toBeGreaterThan(0)
  })

  it('generates a label when none is given', async () => {
    const db = await ordersDb(emu)
    const headers = loadHeaders('')
    const res = await rawRequest(url(db), { headers, body: '[{"id":1}]' })
    expect(res.json().Label).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('fails without Basic auth before reading the body and without 100 Continue', async () => {
    const { Authorization: _, ...headers } = loadHeaders('noauth')
    const res = await rawRequest(url('x'), { headers, body: '[{"id":1}]', expect: true })
    expect(res.sawContinue).toBe(false)
    expect(res.json()).toMatchObject({ TxnId: -1, Status: 'Fail', Message: 'no valid Basic authorization' })
  })

  it('sends 100 Continue once the header checks pass, then loads', async () => {
    const db = await ordersDb(emu)
    const res = await rawRequest(url(db), {
      headers: loadHeaders('cont_1'),
      body: '[{"id":1}]',
      expect: true,
    })
    expect(res.sawContinue).toBe(true)
    expect(res.json().Status).toBe('Success')
  })

  it('rejects an unknown format, a bad timeout and an oversized JSON body', async () => {
    const db = await ordersDb(emu)
    const fmt = await rawRequest(url(db), { headers: loadHeaders('f', { format: 'xml' }), body: '[]' })
    expect(fmt.json()).toMatchObject({ TxnId: -1, Message: 'unknown data format, format=xml' })
    const tmo = await rawRequest(url(db), { headers: loadHeaders('t', { timeout: '1.5' }), body: '[]' })
    expect(tmo.json()).toMatchObject({ TxnId: -1, Message: 'Invalid timeout format' })
    const big = `[${'{"id":1},'.repeat(10)}{"id":2}]`
    const size = await rawRequest(url(db), { headers: loadHeaders('s'), body: big })
    expect(String(size.json().Message)).toMatch(/^The size of this batch exceed the max size \[64\]/)
    const ignored = await rawRequest(url(db), {
      headers: loadHeaders('s', { ignore_json_size: 'TRUE' }),
      body: big,
    })
    expect(ignored.json().Status).toBe('Success')
  })

  it('fails for an unknown database or table, and a malformed label', async () => {
    const db = await ordersDb(emu)
    const nodb = await rawRequest(url('no_such_db_x'), { headers: loadHeaders('a'), body: '[]' })
    expect(nodb.json()).toMatchObject({
      TxnId: -1,
      Status: 'Fail',
      Message: 'unknown database, database=no_such_db_x',
    })
    const notable = await rawRequest(url(db, 'nope'), { headers: loadHeaders('a'), body: '[]' })
    expect(notable.json().Message).toBe(`unknown table "${db}.nope"`)
    const bad = await rawRequest(url(db), { headers: loadHeaders('bad label!'), body: '[]' })
    expect(String(bad.json().Message)).toMatch(/^Label format error/)
  })

  it('fails with the real txn id when a header is invalid after the transaction began', async () => {
    const db = await ordersDb(emu)
    const res = await rawRequest(url(db), {
      headers: loadHeaders('p', { partial_update: 'yes' }),
      body: '[]',
    })
    expect(res.json().Message).toBe('Invalid partial update flag format. Must be bool type')
    expect(res.json().TxnId).toBeGreaterThan(0)
  })

  it('answers Label Already Exists (FINISHED) when a label that loaded is reused, without applying again', async () => {
    const db = await ordersDb(emu)
    const first = await rawRequest(url(db), { headers: loadHeaders('dup_1'), body: '[{"id":1,"version":1}]' })
    expect(first.json().Status).toBe('Success')
    const again = await rawRequest(url(db), { headers: loadHeaders('dup_1'), body: '[{"id":1,"version":2}]' })
    expect(again.json()).toMatchObject({
      TxnId: -1,
      Label: 'dup_1',
      Status: 'Label Already Exists',
      ExistingJobStatus: 'FINISHED',
      Message: 'Label [dup_1] has already been used.',
    })
    expect(Object.keys(again.json()).slice(0, 5)).toEqual([
      'TxnId',
      'Label',
      'Status',
      'ExistingJobStatus',
      'Message',
    ])
    expect(emu.loads.applied('dup_1', db)).toBe(1)
    expect(await emu.query(`SELECT version FROM \`${db}\`.orders`)).toEqual([{ version: 1 }])
  })

  it('lets a label whose load failed (ABORTED) be used again', async () => {
    const db = await ordersDb(emu)
    const bad = await rawRequest(url(db), { headers: loadHeaders('retry_1'), body: '[{"id":1' })
    expect(bad.json().Status).toBe('Fail')
    expect(emu.labelState(db, 'retry_1')).toBe('ABORTED')
    const good = await rawRequest(url(db), { headers: loadHeaders('retry_1'), body: '[{"id":1}]' })
    expect(good.json().Status).toBe('Success')
  })

  it('answers RUNNING for a label whose load is still in progress', async () => {
    const db = await ordersDb(emu)
    emu.setFault({ kind: 'latency', ms: 600, phase: 'before-apply', times: 1 })
    const slow = rawRequest(url(db), { headers: loadHeaders('run_1'), body: '[{"id":1}]' })
    await new Promise((r) => setTimeout(r, 200))
    const second = await rawRequest(url(db), { headers: loadHeaders('run_1'), body: '[{"id":1}]' })
    expect(second.json()).toMatchObject({ Status: 'Label Already Exists', ExistingJobStatus: 'RUNNING' })
    expect((await slow).json().Status).toBe('Success')
  })

  it('forgets a finished label after label_keep_max_second, so it loads again', async () => {
    const shortLived = await startEmulator({ bePorts: [0], labelKeepMaxSeconds: 1 })
    try {
      const db = await ordersDb(shortLived)
      const put = () =>
        rawRequest(`${shortLived.beUrls[0]}/api/${db}/orders/_stream_load`, {
          headers: loadHeaders('keep_1'),
          body: '[{"id":1}]',
        })
      expect((await put()).json().Status).toBe('Success')
      expect((await put()).json()).toMatchObject({
        Status: 'Label Already Exists',
        ExistingJobStatus: 'FINISHED',
      })
      await new Promise((r) => setTimeout(r, 1200))
      expect(shortLived.labelState(db, 'keep_1')).toBeUndefined()
      expect((await put()).json().Status).toBe('Success')
      expect(shortLived.loads.applied('keep_1', db)).toBe(2)
    } finally {
      await shortLived.stop()
    }
  })

  it('keeps labels per database', async () => {
    const a = await ordersDb(emu)
    const b = await ordersDb(emu)
    for (const db of [a, b]) {
      const res = await rawRequest(url(db), { headers: loadHeaders('same'), body: '[{"id":1}]' })
      expect(res.json().Status).toBe('Success')
    }
  })

  it('fails a load with no rows', async () => {
    const db = await ordersDb(emu)
    const res = await rawRequest(url(db), { headers: loadHeaders('empty'), body: '[]' })
    expect(res.json()).toMatchObject({ Status: 'Fail', Message: 'all partitions have no load data' })
  })

  it('answers 404 Not Found for an unknown path', async () => {
    const res = await rawRequest(`${emu.beUrls[0]}/api/nothing`, {
      method: 'GET',
      headers: { Authorization: AUTH },
    })
    expect(res.status).toBe(404)
    expect(res.text).toBe('Not Found')
  })
})
