// FE `_stream_load` per §1.2 and §9 of the protocol reference: auth → Expect → 307 to a BE.
import { Agent, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { AUTH, ordersDb, PASSWORD, rawRequest, startEmulator, USER } from './harness.ts'

let emu: StarRocksEmulator
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0, 0, 0] })
})
afterAll(() => emu.stop())

const path = '/api/somedb/orders/_stream_load'

function keptAlive(url: string, agent: Agent, headers: Record<string, string> = {}): Promise<number> {
  const method = headers.Expect ? 'PUT' : 'GET'
  return new Promise((resolve, reject) => {
    request(url, { agent, method, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
      .on('error', reject)
      .end()
  })
}

describe('FE _stream_load', () => {
  it('answers 401 with WWW-Authenticate when credentials are missing or wrong', async () => {
    const none = await rawRequest(emu.feUrl + path, { expect: true })
    expect(none.status).toBe(401)
    expect(none.headers['www-authenticate']).toBe('Basic realm=""')
    expect(none.json()).toMatchObject({ status: 'FAILED', msg: 'Need auth information.' })

    const bad = `Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}`
    const wrong = await rawRequest(emu.feUrl + path, { expect: true, headers: { Authorization: bad } })
    expect(wrong.status).toBe(401)
    expect(String(wrong.json().msg)).toMatch(new RegExp(`^Access denied for ${USER}@`))
    expect(wrong.text).not.toContain(PASSWORD)
  })

  it('rejects a request without Expect with HTTP 200 and a FAILED body', async () => {
    const res = await rawRequest(emu.feUrl + path, { headers: { Authorization: AUTH }, body: '[]' })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({
      Status: 'FAILED',
      Message: 'class com.starrocks.common.DdlException: There is no 100-continue header',
    })
  })

  it('redirects with 307 to a BE, keeping path and query, without 100 Continue or reading the body', async () => {
    const res = await rawRequest(`${emu.feUrl}${path}?x=1`, {
      expect: true,
      headers: { Authorization: AUTH, label: 'l1' },
      body: '[{"id":1}]',
    })
    expect(res.status).toBe(307)
    expect(res.sawContinue).toBe(false)
    const location = new URL(String(res.headers.location))
    expect(emu.beUrls).toContain(location.origin)
    expect(location.pathname + location.search).toBe(`${path}?x=1`)
    expect(location.username).toBe('')
  })

  it('answers No database selected. / No table selected. for an empty name, in the FAILED envelope', async () => {
    const headers = { Authorization: AUTH }
    const noDb = await rawRequest(`${emu.feUrl}/api//orders/_stream_load`, { expect: true, headers })
    expect(noDb.status).toBe(200)
    expect(noDb.json()).toEqual({ Status: 'FAILED', Message: 'No database selected.' })
    const noTable = await rawRequest(`${emu.feUrl}/api/somedb//_stream_load`, { expect: true, headers })
    expect(noTable.status).toBe(200)
    expect(noTable.json()).toEqual({ Status: 'FAILED', Message: 'No table selected.' })
  })

  it('answers No backend alive. when every BE is down', async () => {
    await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, true)))
    try {
      const res = await rawRequest(emu.feUrl + path, { expect: true, headers: { Authorization: AUTH } })
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({ Status: 'FAILED', Message: 'No backend alive.' })
    } finally {
      await Promise.all(emu.beUrls.map((_, i) => emu.setBeDown(i, false)))
    }
  })

  it('counts the sockets each server accepted: one per connection, not per request', async () => {
    const before = emu.acceptedConnections()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let i = 0; i < 3; i++) await keptAlive(`${emu.beUrls[0]}/api/nothing`, agent)
    } finally {
      agent.destroy()
    }
    for (let i = 0; i < 2; i++)
      await rawRequest(emu.feUrl + path, { expect: true, headers: { Authorization: AUTH } }) // agent: false
    const after = emu.acceptedConnections()
    expect(after.bes[0]! - before.bes[0]!).toBe(1)
    expect(after.fe - before.fe).toBe(2)
    expect(after.bes).toHaveLength(3)
  })

  it('keeps the connection of a body-less redirect request alive, as the FE does', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const headers = { Authorization: AUTH, Expect: '100-continue', 'Content-Length': '0' }
    const before = emu.acceptedConnections().fe
    try {
      for (let i = 0; i < 3; i++) expect(await keptAlive(emu.feUrl + path, agent, headers)).toBe(307)
    } finally {
      agent.destroy()
    }
    expect(emu.acceptedConnections().fe - before).toBe(1)
  })

  it('spreads loads over the BEs and skips a BE that is down', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const res = await rawRequest(emu.feUrl + path, { expect: true, headers: { Authorization: AUTH } })
      seen.add(new URL(String(res.headers.location)).origin)
    }
    expect(seen).toEqual(new Set(emu.beUrls))

    await emu.setBeDown(1, true)
    try {
      for (let i = 0; i < 6; i++) {
        const res = await rawRequest(emu.feUrl + path, { expect: true, headers: { Authorization: AUTH } })
        expect(new URL(String(res.headers.location)).origin).not.toBe(emu.beUrls[1])
      }
    } finally {
      await emu.setBeDown(1, false)
    }
  })

  it('serves get_load_state for a label', async () => {
    const db = await ordersDb(emu)
    const headers = { Authorization: AUTH, label: 'state_1', format: 'json', strip_outer_array: 'true' }
    const load = await rawRequest(`${emu.beUrls[0]}/api/${db}/orders/_stream_load`, {
      headers,
      body: '[{"id":1}]',
    })
    expect(load.json().Status).toBe('Success')
    const state = await rawRequest(`${emu.feUrl}/api/${db}/get_load_state?label=state_1`, {
      method: 'GET',
      headers: { Authorization: AUTH },
    })
    expect(state.json()).toEqual({ state: 'VISIBLE', status: 'OK', msg: 'Success' })
    const unknown = await rawRequest(`${emu.feUrl}/api/${db}/get_load_state?label=nope`, {
      method: 'GET',
      headers: { Authorization: AUTH },
    })
    expect(unknown.json().state).toBe('UNKNOWN')
  })
})

describe('FE _stream_load, Doris flavour', () => {
  it('puts the credentials into the Location (user:password@)', async () => {
    const doris = await startEmulator({ flavour: 'doris', bePorts: [0] })
    try {
      const res = await rawRequest(doris.feUrl + path, { expect: true, headers: { Authorization: AUTH } })
      expect(res.status).toBe(307)
      const location = new URL(String(res.headers.location))
      expect(decodeURIComponent(location.username)).toBe(USER)
      expect(decodeURIComponent(location.password)).toBe(PASSWORD)
    } finally {
      await doris.stop()
    }
  })
})
