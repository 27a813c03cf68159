// describeFailure on errors the real clients throw: fetch, mysql2 and kafkajs against a port
// nobody listens on, a Kafka Connect worker's 404, and the packages' own errors.
import { createServer } from 'node:net'
import { resolveKey } from '@sync/crypto-envelope'
import { parseRuleSet } from '@sync/table-matcher'
import { WarehouseDdlError } from '@sync/warehouse-ddl'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { createConnectClient } from '../src/connect-client.ts'
import { describeFailure } from '../src/describe-failure.ts'
import { OpsKitError } from '../src/errors.ts'
import { createKafkaClient } from '../src/kafka-client.ts'

async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

const thrown = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('describeFailure', () => {
  it('finds the refused connection under fetch, mysql2 and kafkajs errors, naming the target', async () => {
    const port = await closedPort()
    const fetchErr = await thrown(() => fetch(`http://127.0.0.1:${port}/`))
    expect(describeFailure(fetchErr, 'the metrics endpoint')).toEqual({
      kind: 'unreachable',
      message: 'cannot reach the metrics endpoint: connection refused (ECONNREFUSED)',
      retriable: true,
    })

    const mysqlErr = await thrown(() => mysql.createConnection({ host: '127.0.0.1', port }))
    expect(describeFailure(mysqlErr, `MySQL at 127.0.0.1:${port}`).message).toBe(
      `cannot reach MySQL at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`,
    )
    expect(describeFailure(mysqlErr).message).toBe(
      'cannot reach the server: connection refused (ECONNREFUSED)',
    )

    const admin = createKafkaClient({ brokers: [`127.0.0.1:${port}`], retries: 0 }).admin()
    const kafkaErr = await thrown(() => admin.connect())
    expect(describeFailure(kafkaErr, `Kafka at 127.0.0.1:${port}`)).toMatchObject({
      kind: 'unreachable',
      message: `cannot reach Kafka at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`,
    })
  })

  it("uses the target an OPSKIT_UNREACHABLE names, and passes the packages' messages and retriable through", async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}`
    const unreachable = await thrown(() => createConnectClient(url).list())
    expect(describeFailure(unreachable, 'ignored')).toEqual({
      kind: 'unreachable',
      message: `cannot reach Kafka Connect at ${url}: connection refused (ECONNREFUSED)`,
      retriable: true,
    })

    const missing = new OpsKitError('OPSKIT_NOT_FOUND', 'Kafka Connect at x answered 404', {
      httpStatus: 404,
    })
    expect(describeFailure(missing)).toEqual({
      kind: 'not-found',
      message: 'Kafka Connect at x answered 404',
      retriable: false,
    })
    expect(describeFailure(new OpsKitError('OPSKIT_REMOTE', 'answered 503', { retriable: true }))).toEqual({
      kind: 'remote',
      message: 'answered 503',
      retriable: true,
    })
    expect(describeFailure(new OpsKitError('OPSKIT_BAD_ARGUMENT', 'bad spec')).kind).toBe('usage')
    expect(describeFailure(new WarehouseDdlError('WDDL_NOT_FOUND', 'no rule named "x"'))).toEqual({
      kind: 'not-found',
      message: 'no rule named "x"',
      retriable: false,
    })
    expect(describeFailure(new WarehouseDdlError('WDDL_INPUT', 'shards disagree')).kind).toBe('input')
  })

  it('treats key and rule errors as configuration, with their code and without the key', () => {
    const caught = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        return err
      }
      throw new Error('expected a failure')
    }
    const rules = caught(() => parseRuleSet([{ file: 'orders.json', text: '{"key": "orders"' }]))
    const r = describeFailure(rules, 'rules in /etc/sync/rules')
    expect(r.kind).toBe('config')
    expect(r.retriable).toBe(false)
    expect(r.message).toMatch(/^rules in \/etc\/sync\/rules: .*orders\.json.* \(TM_[A-Z_]+\)$/)

    const badKey = caught(() => resolveKey('abc123zz', { env: {} }))
    const d = describeFailure(badKey, 'the envelope key')
    expect(d.kind).toBe('config')
    expect(d.message).toMatch(/^the envelope key: .*\(ENV_BAD_KEY\)$/)
    expect(d.message).not.toContain('abc123zz')
  })

  it('keeps the first line of anything else, as a remote failure', () => {
    expect(describeFailure(new Error('boom\n    at somewhere'), 'StarRocks at fe:9030')).toEqual({
      kind: 'remote',
      message: 'StarRocks at fe:9030: boom',
      retriable: true,
    })
    expect(describeFailure('plain text').message).toBe('plain text')
  })
})
