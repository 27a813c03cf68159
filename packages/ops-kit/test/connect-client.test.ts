// The client against a local HTTP server answering as a Kafka Connect worker does.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createConnectClient,
  isConnectorFailed,
  maskConfig,
  parseConnectorConfig,
  parseConnectorFile,
} from '../src/connect-client.ts'
import { OpsKitError } from '../src/errors.ts'

let server: Server | undefined
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

const requests: Array<{ method: string; url: string; body: string }> = []
async function worker(handler: (req: IncomingMessage, body: string) => [number, unknown]): Promise<string> {
  requests.length = 0
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body })
      const [status, json] = handler(req, body)
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(json === undefined ? '' : JSON.stringify(json))
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('createConnectClient', () => {
  it('sends the REST calls of the seed: expanded status, config update, restart with flags', async () => {
    const url = await worker((req) => {
      if (req.url === '/connectors?expand=status')
        return [200, { a: { status: { name: 'a', connector: { state: 'RUNNING' }, tasks: [] } } }]
      if (req.url === '/connectors/a%2Fb/config') return [200, { name: 'a/b', config: {}, tasks: [] }]
      return [204, undefined]
    })
    const client = createConnectClient(url)
    expect(await client.statuses()).toEqual({ a: { name: 'a', connector: { state: 'RUNNING' }, tasks: [] } })
    await client.updateConfig('a/b', { 'tasks.max': '2' })
    await client.restart('a', { includeTasks: true, onlyFailed: true })
    expect(requests.slice(1)).toEqual([
      { method: 'PUT', url: '/connectors/a%2Fb/config', body: '{"tasks.max":"2"}' },
      { method: 'POST', url: '/connectors/a/restart?includeTasks=true&onlyFailed=true', body: '' },
    ])
  })

  it("maps 404 to OPSKIT_NOT_FOUND with the worker's message and the status in a field", async () => {
    const url = await worker(() => [404, { error_code: 404, message: 'Connector x not found' }])
    const err = await createConnectClient(url)
      .status('x')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpsKitError)
    expect((err as OpsKitError).code).toBe('OPSKIT_NOT_FOUND')
    expect((err as OpsKitError).httpStatus).toBe(404)
    expect((err as Error).message).toBe(
      `Kafka Connect at ${url} answered 404 to GET /connectors/x/status: Connector x not found`,
    )
  })

  it('names the worker it cannot reach and keeps the network error as the cause', async () => {
    const url = await worker(() => [200, []])
    await new Promise<void>((r) => server!.close(() => r()))
    server = undefined
    const err = (await createConnectClient(url)
      .list()
      .catch((e: unknown) => e)) as OpsKitError
    expect(err.code).toBe('OPSKIT_UNREACHABLE')
    expect(err.target).toBe(`Kafka Connect at ${url}`)
    expect((err.cause as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED')
  })

  it('masks secret-looking config values but not converters', () => {
    expect(
      maskConfig({
        'transforms.decrypt.secret.key': 'abc',
        password: 'p',
        'key.converter': 'x',
        'tasks.max': '1',
      }),
    ).toEqual({
      'transforms.decrypt.secret.key': '[hidden]',
      password: '[hidden]',
      'key.converter': 'x',
      'tasks.max': '1',
    })
  })
})

describe('connector files', () => {
  it('reads a { name, config } file as the create body, with every config value a string', () => {
    const text = JSON.stringify({
      name: 'orders-connect',
      config: {
        topics: 'sync_stream.ods_orders',
        'tasks.max': 2,
        'errors.tolerance.enabled': false,
        x: null,
      },
    })
    expect(parseConnectorFile(text, 'orders.json')).toEqual({
      name: 'orders-connect',
      config: {
        topics: 'sync_stream.ods_orders',
        'tasks.max': '2',
        'errors.tolerance.enabled': 'false',
        x: 'null',
      },
    })
  })

  it('takes the update body from a config object or from a connector file', () => {
    expect(parseConnectorConfig('{"tasks.max": 3}', 'u.json')).toEqual({ 'tasks.max': '3' })
    expect(parseConnectorConfig('{"name": "a", "config": {"tasks.max": "4"}}', 'u.json')).toEqual({
      'tasks.max': '4',
    })
  })

  it('names the file and what is wrong with it (OPSKIT_INPUT)', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        return { code: (err as OpsKitError).code, message: (err as Error).message }
      }
      throw new Error('expected a failure')
    }
    expect(failure(() => parseConnectorFile('{not json', 'bad.json'))).toEqual({
      code: 'OPSKIT_INPUT',
      message: expect.stringMatching(/^bad\.json is not a JSON object: /),
    })
    expect(failure(() => parseConnectorFile('[1]', 'list.json')).message).toBe(
      'list.json is not a JSON object',
    )
    expect(failure(() => parseConnectorFile('{"config": {}}', 'noname.json')).message).toBe(
      'noname.json needs a "name"',
    )
    expect(failure(() => parseConnectorFile('{"name": "a", "config": "x"}', 'c.json')).message).toBe(
      'c.json must hold a "config" object',
    )
    expect(failure(() => parseConnectorConfig('{"config": []}', 'stdin')).message).toBe(
      'stdin must hold a "config" object',
    )
  })
})

describe('isConnectorFailed', () => {
  const status = (connector: string, ...tasks: string[]) => ({
    connector: { state: connector },
    tasks: tasks.map((state, id) => ({ id, state })),
  })
  it('is true when the connector or any task is FAILED, and only then', () => {
    expect(isConnectorFailed(status('RUNNING', 'RUNNING', 'RUNNING'))).toBe(false)
    expect(isConnectorFailed(status('FAILED'))).toBe(true)
    expect(isConnectorFailed(status('RUNNING', 'RUNNING', 'FAILED'))).toBe(true)
    // an operator's pause and a rebalance are not failures
    expect(isConnectorFailed(status('PAUSED', 'PAUSED'))).toBe(false)
    expect(isConnectorFailed(status('RUNNING', 'UNASSIGNED', 'RESTARTING'))).toBe(false)
  })
})
