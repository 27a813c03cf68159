// What the FE hop carries (§1.6: "all load headers", e.g. `warehouse`, which a shared-data FE
// reads to pick a CN) and connection reuse across loads.

import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StarRocksEmulator } from '@sync/starrocks-emulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { StreamLoadClient } from '../../src/index.ts'
import { client, ordersDb, PASSWORD, selectOrders, startEmulator, USER } from './harness.ts'

let emu: StarRocksEmulator
const clients: StreamLoadClient[] = []
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0] })
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
afterAll(() => emu.stop())

const make = (db: string, options: Parameters<typeof client>[2] = {}) => {
  const c = client(emu, db, options)
  clients.push(c)
  return c
}

/** An FE stand-in that records each request's headers and redirects to the emulator's BE. */
async function recordingFe(be: string) {
  const seen: Array<{ headers: IncomingHttpHeaders; bodyBytes: number }> = []
  const server = createServer((req, res) => {
    let bodyBytes = 0
    req.on('data', (c: Buffer) => {
      bodyBytes += c.length
    })
    req.on('end', () => {
      seen.push({ headers: req.headers, bodyBytes })
      res.writeHead(307, { Location: `${be}${req.url}`, 'Content-Length': 0 })
      res.end()
    })
  })
  // answer 307 without 100 Continue, as the FE does (§1.2 step 7)
  server.on('checkContinue', (req, res) => server.emit('request', req, res))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('FE hop', () => {
  it('sends every load header to the FE, with Expect and the credentials and no body', async () => {
    const db = await ordersDb(emu)
    const fe = await recordingFe(emu.beUrls[0]!)
    try {
      const r = await make(db, { endpoints: [fe.url] }).load({
        table: 'orders',
        label: 'hop_1',
        rows: [{ id: 1, name: 'a', version: 3 }],
        columns: 'id,name,version',
        jsonpaths: '["$.id","$.name","$.version"]',
        strictMode: true,
        maxFilterRatio: 0.5,
        timezone: 'UTC',
        timeoutSeconds: 90,
        headers: { warehouse: 'default_warehouse' },
      })
      expect(r).toMatchObject({ status: 'Success', loadedRows: 1 })
      expect(fe.seen).toHaveLength(1)
      const { headers, bodyBytes } = fe.seen[0]!
      expect(bodyBytes).toBe(0)
      expect(headers).toMatchObject({
        expect: '100-continue',
        'content-length': '0',
        authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
        label: 'hop_1',
        format: 'json',
        strip_outer_array: 'true',
        columns: 'id,name,version',
        jsonpaths: '["$.id","$.name","$.version"]',
        strict_mode: 'true',
        max_filter_ratio: '0.5',
        timezone: 'UTC',
        timeout: '90',
        warehouse: 'default_warehouse',
      })
      expect(await selectOrders(emu, db)).toEqual([{ id: '1', name: 'a', version: 3 }])
    } finally {
      await fe.close()
    }
  })
})

describe('connection reuse', () => {
  it('keeps one FE and one BE connection for several sequential loads', async () => {
    const db = await ordersDb(emu)
    const c = make(db)
    const before = emu.acceptedConnections()
    for (let i = 1; i <= 6; i++) {
      const r = await c.load({ table: 'orders', rows: [{ id: i }] })
      expect(r.status).toBe('Success')
    }
    const after = emu.acceptedConnections()
    expect(after.fe - before.fe).toBe(1)
    expect(after.bes[0]! - before.bes[0]!).toBe(1)
    expect(await selectOrders(emu, db)).toHaveLength(6)
  })
})
