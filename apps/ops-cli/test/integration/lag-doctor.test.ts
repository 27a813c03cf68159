// lag and doctor against the stack's Kafka and MariaDB.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import {
  createTestKafka,
  createTestTopic,
  kafkaBrokers,
  mysqlOptions,
  registerCleanup,
  uniqueName,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'
import { sourceEnv } from '../helpers/stack.ts'

const brokers = () => kafkaBrokers().join(',')

describe('lag', () => {
  it('reports committed offset, high watermark and lag per partition; --max-lag fails over the limit', async () => {
    const topic = await createTestTopic('lag', 2)
    const kafka = createTestKafka()
    const producer = kafka.producer({ idempotent: false, maxInFlightRequests: 1 })
    await producer.connect()
    registerCleanup(() => producer.disconnect())
    await producer.send({
      topic,
      messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}` })),
    })
    await producer.send({
      topic,
      messages: Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `b${i}` })),
    })
    const group = uniqueName('sinker')
    // the mock serves no DescribeGroups, so admin.setOffsets fails there: commit as a member
    const consumer = kafka.consumer({ groupId: group })
    await consumer.connect()
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()))
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ autoCommit: false, eachMessage: async () => {} })
    await joined
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '2' },
      { topic, partition: 1, offset: '3' },
    ])
    await consumer.disconnect()

    const r = await runOps(['lag', '--group', group, '--topic', topic, '--brokers', brokers(), '--json'])
    expect(r.code).toBe(0)
    const parts = r.json<{
      partitions: Array<{ partition: number; committed: number; high: number; lag: number }>
    }>().partitions
    expect(parts.map(({ partition, committed, high, lag }) => ({ partition, committed, high, lag }))).toEqual(
      [
        { partition: 0, committed: 2, high: 5, lag: 3 },
        { partition: 1, committed: 3, high: 3, lag: 0 },
      ],
    )
    const over = await runOps(['lag', '--group', group, '--topic', topic, '--max-lag', '2'], {
      env: { KAFKA_BROKERS: brokers() },
    })
    expect(over.code).toBe(3)
    expect(over.stdout).toContain(`group ${group}: 3 message(s) behind`)
  })

  it('reads the shipper lag from its metrics', async () => {
    const server = createServer((_req, res) => {
      res.end(
        '# HELP sync_shipper_lag_seconds x\nsync_shipper_lag_seconds{source="rds1"} 42.5\nsync_rows_total 9\n',
      )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    registerCleanup(() => new Promise<void>((r) => server.close(() => r())))
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`
    const r = await runOps(['lag', '--shipper-metrics', url, '--json'])
    expect(r.json()).toMatchObject({
      ok: true,
      shipper: [{ name: 'sync_shipper_lag_seconds', labels: { source: 'rds1' }, value: 42.5 }],
    })
    expect((await runOps(['lag', '--shipper-metrics', url, '--max-seconds', '30'])).code).toBe(3)
  })

  it('names unreachable brokers in one line', async () => {
    const r = await runOps(['lag', '--group', 'g', '--brokers', '127.0.0.1:1'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/Kafka at 127\.0\.0\.1:1/)
  })
})

describe('doctor', () => {
  it('passes MySQL preflight for the replication account, Kafka topics and the key', async () => {
    const topic = await createTestTopic('doctor', 1)
    const repl = mysqlOptions('repl')
    const key = createHash('sha256').update('k').digest('hex')
    const r = await runOps(
      [
        'doctor',
        '--only',
        'mysql,kafka,key',
        '--mysql-user',
        String(repl.user),
        '--mysql-password-env',
        'REPL_PW',
        '--topic',
        topic,
        '--server-id',
        '987654',
        '--json',
      ],
      {
        env: {
          ...sourceEnv(),
          REPL_PW: String(repl.password),
          KAFKA_BROKERS: brokers(),
          SYNC_ENVELOPE_KEY: key,
        },
      },
    )
    const { findings } = r.json<{
      findings: Array<{ component: string; check: string; ok: boolean; severity: string }>
    }>()
    const failed = findings.filter((f) => f.severity === 'error')
    expect(failed).toEqual([])
    expect(findings.find((f) => f.check === 'server_id')).toMatchObject({ component: 'mysql' })
    for (const check of ['connect', 'binlog_format', 'binlog_row_image', 'privilege_replication']) {
      expect(findings.find((f) => f.check === check)).toMatchObject({ component: 'mysql', ok: true })
    }
    expect(findings.find((f) => f.check === `topic ${topic}`)).toMatchObject({ ok: true })
    expect(findings.find((f) => f.component === 'key')).toMatchObject({ ok: true })
    expect([0, 4]).toContain(r.code)
    expect(r.stdout).not.toContain(String(repl.password))
    expect(r.stdout).not.toContain(key)
  })

  it('turns a wrong password, a missing topic and a bad key into error findings with remedies', async () => {
    const r = await runOps(
      ['doctor', '--only', 'mysql,kafka,key,starrocks', '--topic', 'no-such-topic-xyz'],
      {
        env: {
          ...sourceEnv(),
          MYSQL_PASSWORD: 'definitely-wrong',
          KAFKA_BROKERS: brokers(),
          SYNC_ENVELOPE_KEY: 'abcd',
          STARROCKS_HOST: '127.0.0.1',
          STARROCKS_PORT: '1',
        },
      },
    )
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/FAIL mysql +connect: access denied by MySQL at .*: wrong user or password/)
    expect(r.stdout).toMatch(
      /FAIL kafka +topic no-such-topic-xyz: topic no-such-topic-xyz does not exist\n +fix: create it/,
    )
    expect(r.stdout).toMatch(/FAIL key +key: .*ENV_BAD_KEY/)
    expect(r.stdout).toMatch(
      /FAIL starrocks +query port: cannot reach StarRocks at 127\.0\.0\.1:1: connection refused/,
    )
    expect(r.stdout + r.stderr).not.toContain('definitely-wrong')
  })
})
