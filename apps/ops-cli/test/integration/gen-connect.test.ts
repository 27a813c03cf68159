// The connector files gen writes are what `connect create` and `connect update` send: gen runs
// against the stack's MariaDB, connect against a local server playing the Kafka Connect REST API.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeConnect, startFakeConnect } from '../fixtures/fake-connect.ts'
import { genTable } from '../helpers/gen.ts'
import { runOps } from '../helpers/run.ts'

let fake: FakeConnect
beforeEach(async () => {
  fake = await startFakeConnect()
})
afterEach(() => fake.stop())

describe('connect with the files gen writes', () => {
  it('creates the stream and batch connectors from them and updates one with its own file', async () => {
    const gen = await genTable({
      database: 'gconn',
      ddl: 'CREATE TABLE orders (Id BIGINT NOT NULL PRIMARY KEY, orderNo VARCHAR(20), createdAt DATETIME)',
      table: 'orders',
      args: ['--only', 'connect-stream,connect-batch'],
    })
    const { out } = gen
    const streamFile = join(out, 'sync_stream.ods_orders-connect.json')
    const batchFile = join(out, 'sync_batch.orders_connect.json')
    expect(gen.stdout).toBe(`${batchFile}\n${streamFile}\n`)
    const written = JSON.parse(readFileSync(streamFile, 'utf8')) as {
      name: string
      config: Record<string, string>
    }

    const ops = (...args: string[]) => runOps(['connect', ...args, '--url', fake.url])
    const created = await ops('create', streamFile)
    expect(created).toMatchObject({ code: 0, stdout: 'sync_stream.ods_orders-connect: created\n' })
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/connectors' })
    // the file goes to the worker as written (gen's values are all strings already)
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual(written)
    const config = fake.connectors.get('sync_stream.ods_orders-connect')!.config
    expect(config.topics).toBe('sync_stream.ods_orders')
    expect(config['starrocks.topic2table.map']).toBe('sync_stream.ods_orders:ods_orders')
    expect(config['sink.properties.columns']).toBe('id,order_no,created_at,__op')
    expect(config['sink.properties.jsonpaths']).toBe('["$.id","$.order_no","$.created_at","$.__op"]')

    expect((await ops('create', `@${batchFile}`)).code).toBe(0)
    expect(fake.connectors.get('sync_batch.orders-connect')?.config.topics).toBe('sync_batch.orders')
    expect((await ops('list', '--json')).json<string[]>()).toEqual([
      'sync_batch.orders-connect',
      'sync_stream.ods_orders-connect',
    ])

    const updated = await ops('update', 'sync_stream.ods_orders-connect', streamFile)
    expect(updated).toMatchObject({ code: 0, stdout: 'sync_stream.ods_orders-connect: config updated\n' })
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/connectors/sync_stream.ods_orders-connect/config',
    })
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual(written.config)
  })
})
