// The seed's DTS use case (its script lost rows above 50k per burst): 500k changes through
// Kafka into MariaDB with upserts and deletes, nothing lost, offsets committed after COMMIT.
// And a permanent MariaDB error (a target table that does not exist) stops its partition at
// once instead of being retried for ever, while another table loads.
import {
  createTestDatabase,
  createTestKafka,
  createTestTopic,
  kafkaBrokers,
  mysqlOptions,
  registerCleanup,
  waitFor,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { connectProducer, encoderFor, groupName, remove, runSinker, testKey, upsert } from './harness.ts'

describe('MySQL target', () => {
  it('loads a 500k-row burst with updates and deletes into MariaDB without loss', async () => {
    const target = await createTestDatabase('dts')
    await target.query(
      'CREATE TABLE t1 (id BIGINT PRIMARY KEY, b VARCHAR(64) NOT NULL, amount DECIMAL(20,4) NULL, doc JSON NULL)',
    )
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-dts', 16)
    const dlq = await createTestTopic('sink-dts-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    const total = Number(process.env.SINKER_TEST_ROWS ?? 500_000)
    const my = mysqlOptions('admin')
    const groupId = groupName()
    const { app } = await runSinker({
      kafka: { brokers: kafkaBrokers(), groupId, topics: [topic], sessionTimeoutMs: 8000 },
      key,
      topicToTable: { [topic]: 't1' },
      target: {
        kind: 'mysql',
        host: my.host,
        port: my.port,
        user: my.user,
        password: my.password,
        database: target.name,
      },
      flush: { rows: 20_000, intervalMs: 500 },
      deadLetterTopic: dlq,
      ops: { port: 0, host: '127.0.0.1' },
    })
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.reduce(
        (n, p) => n + Math.max(0, Number(p.offset)),
        0,
      )

    // The mock broker keeps only ~5 MB per partition, so the burst is produced while the
    // sinker consumes, never more than ~100k messages ahead of its commits.
    let produced = 0
    const batch: ReturnType<typeof enc.encode>[] = []
    const flush = async () => {
      if (batch.length === 0) return
      produced += batch.length
      await producer.send({ topic, acks: 1, messages: batch.splice(0) })
      if (produced % 50_000 < 5000)
        await waitFor(async () => produced - (await committed()) < 100_000, {
          what: 'the sinker to keep up',
          timeoutMs: 60_000,
          intervalMs: 200,
        })
    }
    const changes = function* () {
      // every 10th row is updated afterwards and every 100th deleted: the final state is known
      for (let i = 1; i <= total; i++)
        yield upsert({ id: i, b: `v${i}`, amount: `${i}.0100`, doc: i === 1 ? { k: [1] } : null })
      for (let i = 10; i <= total; i += 10)
        yield upsert({ id: i, b: `u${i}`, amount: `${i}.0200`, doc: null })
      for (let i = 100; i <= total; i += 100) yield remove({ id: i, b: '', amount: null, doc: null })
    }
    for (const c of changes()) {
      batch.push(enc.encode(c))
      if (batch.length === 5000) await flush()
    }
    await flush()
    await waitFor(async () => (await committed()) === produced, {
      what: 'every message committed',
      timeoutMs: 100_000,
      intervalMs: 500,
    })
    const [stats] = await target.query<Array<{ n: number; upd: number; s: string }>>(
      "SELECT COUNT(*) AS n, SUM(b LIKE 'u%') AS upd, SUM(amount) AS s FROM t1",
    )
    const deleted = total / 100
    if (Number(stats!.n) !== total - deleted)
      console.error(
        app.registry
          .render()
          .split('\n')
          .filter((l) => /sinker_(rows|dead|loads|batch)/.test(l))
          .join('\n'),
      )
    expect(Number(stats!.n)).toBe(total - deleted)
    expect(Number(stats!.upd)).toBe(total / 10 - deleted)
    // sum over kept rows of i + 0.01, plus 0.01 more for each kept updated row
    let sum = 0n
    for (let i = 1; i <= total; i++)
      if (i % 100 !== 0) sum += BigInt(i) * 10000n + (i % 10 === 0 ? 200n : 100n)
    expect(stats!.s).toBe(`${sum / 10000n}.${String(sum % 10000n).padStart(4, '0')}`)
    const [one] = await target.query<Array<{ doc: string }>>('SELECT doc FROM t1 WHERE id = 1')
    expect(typeof one!.doc === 'string' ? JSON.parse(one!.doc) : one!.doc).toEqual({ k: [1] })
  }, 180_000)

  it('stops the partition of a table MariaDB does not have (ER_NO_SUCH_TABLE), and loads the others', async () => {
    const target = await createTestDatabase('dtsmiss')
    await target.query('CREATE TABLE present (id BIGINT PRIMARY KEY, b VARCHAR(8) NOT NULL)')
    const { key, cipher } = testKey()
    const [missing, fine] = [await createTestTopic('sink-miss', 1), await createTestTopic('sink-fine', 1)]
    const dlq = await createTestTopic('sink-miss-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    await producer.send({ topic: missing, messages: [enc.encode(upsert({ id: 1, b: 'x' }))] })
    await producer.send({ topic: fine, messages: [enc.encode(upsert({ id: 2, b: 'y' }))] })
    const my = mysqlOptions('admin')
    const groupId = groupName()
    const { app } = await runSinker({
      kafka: { brokers: kafkaBrokers(), groupId, topics: [missing, fine], sessionTimeoutMs: 8000 },
      key,
      topicToTable: { [missing]: 'absent', [fine]: 'present' },
      target: {
        kind: 'mysql',
        host: my.host,
        port: my.port,
        user: my.user,
        password: my.password,
        database: target.name,
      },
      flush: { rows: 100, intervalMs: 200 },
      deadLetterTopic: dlq,
      ops: { port: 0, host: '127.0.0.1' },
    })
    const started = Date.now()
    const health = await waitFor(
      () => {
        const h = app.sinker.health()
        return h.ok ? undefined : h
      },
      { what: 'the sinker to report the stopped partition', timeoutMs: 30_000 },
    )
    // at once, not after the minute of retries that marks retriable trouble
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(health.checks.loads?.detail).toMatch(
      new RegExp(
        `^loading stopped on a non-retriable error: ER_NO_SUCH_TABLE absent on ${missing}-0 from offset 0: `,
      ),
    )
    await waitFor(async () => (await target.query<unknown[]>('SELECT * FROM present')).length === 1, {
      what: 'the other table',
      timeoutMs: 20_000,
    })
    expect(app.registry.render()).toMatch(
      /sync_sinker_partitions_stopped_total\{code="ER_NO_SUCH_TABLE",table="absent"\} 1\n/,
    )
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())
    const committed = async (topic: string) =>
      Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset)
    expect(await committed(missing)).toBeLessThanOrEqual(0)
    await waitFor(async () => (await committed(fine)) === 1, { what: 'the other offset', timeoutMs: 10_000 })
  })
})
