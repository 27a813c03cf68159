// INSERT grants (§9 state): the FE checks INSERT on db.table after auth, Expect and the
// db/table names, and answers 401 (§1.2 step 4); a BE-direct load reaches the FE's
// loadTxnBegin, whose checkPasswordAndLoadPriv fails it with "Access denied; you need (at
// least one of) the INSERT privilege(s) for this operation" in a Status: Fail body (§1.1, §4.3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StarRocksEmulator } from '../../src/index.ts'
import { AUTH, loadHeaders, ordersDb, PASSWORD, rawRequest, startEmulator, USER } from './harness.ts'

const READER = 'reader'
const READER_AUTH = `Basic ${Buffer.from(`${READER}:pw`).toString('base64')}`
const DENIED = 'Access denied; you need (at least one of) the INSERT privilege(s) for this operation'

let emu: StarRocksEmulator
let db: string
let other: string
beforeAll(async () => {
  emu = await startEmulator({ bePorts: [0], users: { [USER]: PASSWORD, [READER]: 'pw' } })
  db = await ordersDb(emu)
  other = await ordersDb(emu)
})
afterAll(() => emu.stop())

const fe = (database: string, auth: string) =>
  rawRequest(`${emu.feUrl}/api/${database}/orders/_stream_load`, {
    expect: true,
    headers: { Authorization: auth, label: 'priv_fe' },
  })

const be = (database: string, auth: string, label: string) =>
  rawRequest(`${emu.beUrls[0]}/api/${database}/orders/_stream_load`, {
    headers: { ...loadHeaders(label), Authorization: auth },
    body: '[{"id":1}]',
  })

describe('INSERT privilege', () => {
  it('lets a user without grants load anywhere (the default)', async () => {
    expect((await fe(db, AUTH)).status).toBe(307)
    expect((await be(db, AUTH, 'priv_default')).json().Status).toBe('Success')
  })

  it('answers 401 at the FE for a table the user may not INSERT into, and redirects where granted', async () => {
    emu.setGrants(READER, [`${other}.orders`])
    try {
      const denied = await fe(db, READER_AUTH)
      expect(denied.status).toBe(401)
      expect(denied.headers['www-authenticate']).toBe('Basic realm=""')
      expect(denied.json()).toEqual({ status: 'FAILED', msg: DENIED })
      expect((await fe(other, READER_AUTH)).status).toBe(307)
    } finally {
      emu.setGrants(READER, undefined)
    }
  })

  it('fails a BE-direct load with TxnId -1 and the privilege message, applying nothing', async () => {
    emu.setGrants(READER, [])
    try {
      const res = await be(db, READER_AUTH, 'priv_be')
      expect(res.status).toBe(200)
      expect(res.json()).toMatchObject({ TxnId: -1, Label: 'priv_be', Status: 'Fail', Message: DENIED })
      expect(emu.labelState(db, 'priv_be')).toBeUndefined()
      expect(emu.loads.applied('priv_be', db)).toBe(0)
    } finally {
      emu.setGrants(READER, undefined)
    }
  })

  it('grants a whole database with db.* and everything with *.*', async () => {
    emu.setGrants(READER, [`${other}.*`])
    try {
      expect((await be(other, READER_AUTH, 'priv_db')).json().Status).toBe('Success')
      expect((await be(db, READER_AUTH, 'priv_db')).json().Message).toBe(DENIED)
      emu.setGrants(READER, ['*.*'])
      expect((await be(db, READER_AUTH, 'priv_all')).json().Status).toBe('Success')
    } finally {
      emu.setGrants(READER, undefined)
    }
  })

  it('takes grants from the options and rejects malformed ones, naming the user', async () => {
    const restricted = await startEmulator({ bePorts: [0], grants: { [USER]: [`${db}.orders`] } })
    try {
      const url = `${restricted.beUrls[0]}/api/${other}/orders/_stream_load`
      const res = await rawRequest(url, { headers: loadHeaders('priv_opt'), body: '[{"id":1}]' })
      expect(res.json().Message).toBe(DENIED)
    } finally {
      await restricted.stop()
    }
    await expect(startEmulator({ grants: { [USER]: ['orders'] } })).rejects.toThrow(
      `options.grants for user ${USER}: each grant is db.table, db.* or *.*, received "orders"`,
    )
    await expect(startEmulator({ grants: { nobody: [] } })).rejects.toThrow('nobody')
  })
})
