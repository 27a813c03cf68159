// Non-retriable load errors. Root cause of a partition retried forever: every failed batch
// was retried with backoff whatever the error, so a table the sinker cannot load (here: no
// columns configured and no `target.query` to read them) spun silently and /healthz only
// turned red after a minute. Now the partition stops at once without committing, /healthz
// says 503 with the code and the table, a metric counts it, one error is logged, and other
// tables go on; after the cause is fixed, a restart loads the row that was never dropped.
import { createTestKafka, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  ORDERS_DDL,
  rawConfig,
  startEmulator,
  targetDatabase,
  testKey,
  upsert,
} from './harness.ts'
import { spawnSinker } from './process.ts'

describe('a non-retriable load error', () => {
  it('stops the partition at once, reports it on /healthz and in a metric, drops nothing', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    await emu.createTableFromDdl(ORDERS_DDL.replace('TABLE orders', 'TABLE other'), database)
    const { key, cipher } = testKey()
    const enc = encoderFor(cipher)
    const broken = await createTestTopic('sink-fatal-orders', 1)
    const fine = await createTestTopic('sink-fatal-other', 1)
    const dlq = await createTestTopic('sink-fatal-dlq', 1)
    const producer = await connectProducer()
    const groupId = groupName()
    const base = rawConfig({ emu, database, key, topics: [broken, fine], dlq, groupId })
    const target = base.target as Record<string, unknown>
    const { query: _query, ...withoutQuery } = target
    const columns = ['id', 'name', 'amount', 'big', 'doc']
    // `orders` has no column list and there is no query address: SINK_SCHEMA, not retriable
    const config = {
      ...base,
      topicToTable: { [broken]: 'orders', [fine]: 'other' },
      target: withoutQuery,
      tables: { other: { columns } },
    }
    const row = (id: number) => ({ id, name: `n${id}`, amount: '1.5000000000', big: null, doc: null })
    await producer.send({ topic: broken, messages: [enc.encode(upsert(row(1)))] })
    await producer.send({ topic: fine, messages: [enc.encode(upsert(row(2)))] })

    const first = spawnSinker(config)
    const started = Date.now()
    const health = async () => {
      const port = first.opsPort()
      if (port === undefined) return undefined
      const r = await fetch(`http://127.0.0.1:${port}/healthz`)
      return { status: r.status, body: (await r.json()) as { checks: Record<string, { detail?: string }> } }
    }
    const h = await waitFor(async () => ((await health())?.status === 503 ? health() : undefined), {
      what: '/healthz to answer 503',
      timeoutMs: 30_000,
    }).catch((err) => {
      console.error(first.output().slice(-4000))
      throw err
    })
    // at once, not after the minute of failures that marks retriable trouble
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(h!.body.checks.loads?.detail).toMatch(
      new RegExp(`loading stopped on a non-retriable error: SINK_SCHEMA orders on ${broken}-0 from offset 0`),
    )

    // the other table loads
    const names = async (table: string) =>
      (
        await emu.query<Array<{ id: number; name: string }>>(
          `SELECT id, name FROM \`${database}\`.${table} ORDER BY id`,
        )
      ).map((r) => `${r.id}:${r.name}`)
    await waitFor(async () => (await names('other')).length === 1, {
      what: 'the other table',
      timeoutMs: 20_000,
    })
    expect(await names('other')).toEqual(['2:n2'])
    expect(await names('orders')).toEqual([])

    const metrics = await (await fetch(`http://127.0.0.1:${first.opsPort()}/metrics`)).text()
    expect(metrics).toMatch(/sync_sinker_partitions_stopped_total\{code="SINK_SCHEMA",table="orders"\} 1\n/)
    expect(metrics).not.toMatch(/sync_sinker_batch_retries_total\{[^}]*\} [1-9]/)
    const errors = first
      .output()
      .split('\n')
      .filter((l) => l.includes('loading stopped on a non-retriable error'))
    expect(errors).toHaveLength(1)
    expect(JSON.parse(errors[0]!)).toMatchObject({ level: 'error', table: 'orders', code: 'SINK_SCHEMA' })

    // nothing was committed past the message: the group's offset is still at it
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())
    const committed = async (topic: string) =>
      Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset)
    expect(await committed(broken)).toBeLessThanOrEqual(0)
    expect(await committed(fine)).toBe(1)

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    // the operator fixes the configuration and restarts: the row loads
    const second = spawnSinker({ ...config, target })
    await waitFor(async () => (await names('orders')).length === 1, {
      what: 'the row after the fix',
      timeoutMs: 30_000,
    }).catch((err) => {
      console.error(second.output().slice(-4000))
      throw err
    })
    expect(await names('orders')).toEqual(['1:n1'])
    await waitFor(async () => (await committed(broken)) === 1, {
      what: 'the offset past it',
      timeoutMs: 10_000,
    })
  })
})
