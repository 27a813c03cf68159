// connect against a local server playing the Kafka Connect REST API. The files gen writes are
// sent in test/integration/gen-connect.test.ts (gen needs the stack's MariaDB).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeConnect, startFakeConnect } from '../fixtures/fake-connect.ts'
import { runOps } from '../helpers/run.ts'

const SECRET = 'c0ffee00112233445566778899aabbcc'
const connector = {
  name: 'orders-connect',
  config: {
    'connector.class': 'com.starrocks.connector.kafka.StarRocksSinkConnector',
    topics: 'sync_stream.ods_orders',
    'tasks.max': '2',
    'starrocks.password': 'sr-pass-123',
    'transforms.decrypt.secret.key': SECRET,
  },
}

let fake: FakeConnect
let dir: string
beforeEach(async () => {
  fake = await startFakeConnect()
  dir = mkdtempSync(join(tmpdir(), 'ops-connect-'))
  writeFileSync(join(dir, 'orders.json'), JSON.stringify(connector))
})
afterEach(() => fake.stop())

const ops = (...args: string[]) => runOps(['connect', ...args, '--url', fake.url])

describe('connect', () => {
  it('creates a connector from a { name, config } file, lists it, shows its status and tasks', async () => {
    const created = await ops('create', `@${join(dir, 'orders.json')}`)
    expect(created).toMatchObject({ code: 0, stdout: 'orders-connect: created\n' })
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/connectors' })
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual(connector)

    expect((await ops('list')).stdout).toBe('orders-connect\n')
    expect((await ops('list', '--json')).json()).toEqual(['orders-connect'])
    const listed = await ops('list', '--status')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/orders-connect\s+sink\s+RUNNING\s+0:RUNNING 1:RUNNING/)

    const status = await ops('status', 'orders-connect', '--json')
    expect(status.json()).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0 }, { id: 1 }] })
    const tasks = await ops('tasks', 'orders-connect')
    expect(tasks.stdout.trim().split('\n')).toHaveLength(3) // header + two tasks
  })

  it('hides secret config values unless --show-secrets', async () => {
    await ops('create', join(dir, 'orders.json'))
    const config = await ops('config', 'orders-connect')
    expect(config.code).toBe(0)
    expect(config.stdout).not.toContain(SECRET)
    expect(config.stdout).not.toContain('sr-pass-123')
    expect(config.stdout).toMatch(/transforms\.decrypt\.secret\.key\s+\[hidden\]/)
    expect(config.stdout).toMatch(/topics\s+sync_stream\.ods_orders/)
    const shown = await ops('config', 'orders-connect', '--json', '--show-secrets')
    expect(shown.json<Record<string, string>>()['transforms.decrypt.secret.key']).toBe(SECRET)
  })

  it('pauses, resumes, restarts, restarts a task, updates the config and deletes', async () => {
    await ops('create', join(dir, 'orders.json'))
    expect((await ops('pause', 'orders-connect')).code).toBe(0)
    expect(fake.connectors.get('orders-connect')?.state).toBe('PAUSED')
    // a paused connector is an operator's choice, not a failure
    expect((await ops('list', '--status')).code).toBe(0)
    expect((await ops('status', 'orders-connect')).code).toBe(0)
    expect((await ops('resume', 'orders-connect')).code).toBe(0)
    expect(fake.connectors.get('orders-connect')?.state).toBe('RUNNING')

    fake.connectors.get('orders-connect')!.tasks[1] = {
      state: 'FAILED',
      trace: 'java.lang.Exception: boom\n\tat x',
    }
    const failed = await ops('status', 'orders-connect')
    expect(failed.code).toBe(3)
    const listed = await ops('list', '--status')
    expect(listed.code).toBe(3)
    expect(listed.stdout).toMatch(/orders-connect\s+sink\s+RUNNING\s+0:RUNNING 1:FAILED/)
    expect(failed.stdout).toMatch(/1\s+FAILED\s+10\.0\.0\.1:8083\s+java\.lang\.Exception: boom/)
    expect((await ops('task-status', 'orders-connect', '1', '--json')).json()).toMatchObject({
      state: 'FAILED',
    })
    expect((await ops('restart-task', 'orders-connect', '1')).stdout).toBe(
      'orders-connect: task 1 restarted\n',
    )
    expect(fake.connectors.get('orders-connect')?.tasks[1]?.state).toBe('RUNNING')

    expect((await ops('restart', 'orders-connect', '--include-tasks')).code).toBe(0)
    expect(fake.requests.at(-1)?.path).toBe('/connectors/orders-connect/restart?includeTasks=true')

    const update = join(dir, 'update.json')
    writeFileSync(update, JSON.stringify({ ...connector.config, 'tasks.max': '3' }))
    expect((await ops('update', 'orders-connect', update)).code).toBe(0)
    expect(fake.connectors.get('orders-connect')?.tasks).toHaveLength(3)

    expect((await ops('delete', 'orders-connect', '--json')).json()).toEqual({
      ok: true,
      action: 'deleted',
      connector: 'orders-connect',
    })
    expect(fake.connectors.size).toBe(0)
  })

  it('reports remote errors, bad input and an unreachable worker in one line', async () => {
    const missing = await ops('status', 'nope')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      `sync-ops connect: Kafka Connect at ${fake.url} answered 404 to GET /connectors/nope/status: Connector nope not found\n`,
    )

    await ops('create', join(dir, 'orders.json'))
    const again = await ops('create', join(dir, 'orders.json'))
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/answered 409 .*Connector orders-connect already exists\n$/)

    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{not json')
    const parse = await ops('create', bad)
    expect(parse.code).toBe(1)
    expect(parse.stderr.split('\n')).toHaveLength(2)
    expect(parse.stderr.startsWith(`sync-ops connect: ${bad} is not a JSON object: `)).toBe(true)
    const nameless = join(dir, 'nameless.json')
    writeFileSync(nameless, JSON.stringify({ config: connector.config }))
    expect(await ops('create', nameless)).toMatchObject({
      code: 1,
      stderr: `sync-ops connect: ${nameless} needs a "name"\n`,
    })
    expect(
      await runOps(['connect', 'create', '-', '--url', fake.url], { stdin: '{"name":"x","config":[]}' }),
    ).toMatchObject({
      code: 1,
      stderr: 'sync-ops connect: stdin must hold a "config" object\n',
    })

    expect((await ops('frobnicate')).code).toBe(2)
    expect((await ops('restart-task', 'orders-connect', 'x')).stderr).toContain('TASK must be an integer')
    expect((await runOps(['connect', 'list'])).stderr).toContain('no Kafka Connect URL')

    // a port nobody listens on
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const port = (srv.address() as { port: number }).port
    await new Promise((r) => srv.close(r))
    const down = await runOps(['connect', 'list', '--url', `http://127.0.0.1:${port}`])
    expect(down.code).toBe(1)
    expect(down.stderr).toBe(
      `sync-ops connect: cannot reach Kafka Connect at http://127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`,
    )
  })

  it('reads the connector body from stdin', async () => {
    const r = await runOps(['connect', 'create', '-', '--url', fake.url], {
      stdin: JSON.stringify(connector),
    })
    expect(r.code).toBe(0)
    expect(fake.connectors.has('orders-connect')).toBe(true)
  })
})
