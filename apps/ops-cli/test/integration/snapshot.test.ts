// snapshot through snapshot-loader into the stack's Kafka: every row arrives in the batch
// topic, encrypted with the given key; the state file makes a rerun resume, not repeat. The
// producer runs on a worker thread unless --no-kafka-worker keeps it on the loader's.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import {
  createTestDatabase,
  createTestKafka,
  kafkaBrokers,
  kafkaMockControl,
  uniqueName,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { seedRuleDir } from '../helpers/rules.ts'
import { runOps } from '../helpers/run.ts'
import { sourceEnv } from '../helpers/stack.ts'

const KEY = 'aa'.repeat(32)

/** Runs `fn` and counts the worker threads this process started meanwhile. */
async function countingWorkers<T>(fn: () => Promise<T>): Promise<{ result: T; workers: number }> {
  let workers = 0
  const onWorker = () => {
    workers += 1
  }
  subscribe('worker_threads', onWorker)
  try {
    return { result: await fn(), workers }
  } finally {
    unsubscribe('worker_threads', onWorker)
  }
}

describe('snapshot', () => {
  it.each([
    { placement: 'on a worker thread', flags: [], workers: 1 },
    {
      placement: "on the loader's thread (--no-kafka-worker), sealed by Node's AES-GCM (--no-fast-seal)",
      flags: ['--no-kafka-worker', '--no-fast-seal'],
      workers: 0,
    },
  ])(
    "sends every row of the rule's shards with kafkajs $placement, reports them, and resumes from its state file",
    async ({ flags, workers }) => {
      const db = await createTestDatabase('snap')
      await db.query('CREATE TABLE items_1 (id INT PRIMARY KEY, name VARCHAR(20))')
      await db.query('CREATE TABLE items_2 (id INT PRIMARY KEY, name VARCHAR(20))')
      const values = (n: number, from: number) =>
        Array.from({ length: n }, (_, i) => `(${from + i}, 'n${from + i}')`).join(', ')
      await db.query(`INSERT INTO items_1 VALUES ${values(35, 1)}`)
      await db.query(`INSERT INTO items_2 VALUES ${values(12, 100)}`)
      const stream = uniqueName('snapstream')
      const batch = `${stream}_batch`
      await kafkaMockControl()?.createTopic(batch, 1, 1)
      const dir = seedRuleDir(
        {
          key: 'items',
          topic: stream,
          needTable: true,
          regex: `${db.name}\\.items_\\d+`,
          columns: { id: 'id', name: 'name' },
        },
        'ops-snap-',
      )
      const state = join(mkdtempSync(join(tmpdir(), 'ops-state-')), 'state.json')
      const args = [
        'snapshot',
        '--rules',
        dir,
        '--rule',
        'items',
        '--database',
        db.name,
        '--chunk-rows',
        '10',
        '--state',
        state,
        '--brokers',
        kafkaBrokers().join(','),
        ...flags,
      ]
      const { result: r, workers: started } = await countingWorkers(() =>
        runOps([...args, '--json'], { env: { ...sourceEnv(), SYNC_ENVELOPE_KEY: KEY } }),
      )
      expect(started).toBe(workers)
      // not a terminal: the first progress line is printed, later ones at most every 10 s
      expect(r.stderr).toMatch(
        /^\[#*-*\] +\d+% 10\/~\d+ rows {2}\d+ rows\/s {2}ETA \S+ {2}snap_\w+\.items_1\n$/,
      )
      expect(r.code).toBe(0)
      const report = r.json<{ rowsThisRun: number; tables: Array<{ table: string; rows: number }> }>()
      expect(report.rowsThisRun).toBe(47)
      expect(report.tables.map((t) => [t.table, t.rows]).sort()).toEqual([
        ['items_1', 35],
        ['items_2', 12],
      ])
      expect(existsSync(state)).toBe(true)
      expect(readFileSync(state, 'utf8')).not.toContain(KEY)

      // read the topic back: every row is there, sealed with the key
      const admin = createTestKafka().admin()
      await admin.connect()
      const offsets = await admin.fetchTopicOffsets(batch)
      await admin.disconnect()
      const high = offsets.reduce((s, p) => s + Number(p.high), 0)
      expect(high).toBeGreaterThanOrEqual(47)
      const consumer = createTestKafka().consumer({ groupId: uniqueName('snapcheck') })
      await consumer.connect()
      await consumer.subscribe({ topic: batch, fromBeginning: true })
      const cipher = createEnvelopeCipher({ key: KEY })
      const rows = new Set<string>()
      let seen = 0
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen += 1
            const text = cipher.openToString(message.value!)
            const row = JSON.parse(text) as { id?: number; table_name?: string }
            if (row.id !== undefined) rows.add(`${row.table_name}:${row.id}`)
            if (seen >= high) resolve()
          },
        })
      }).finally(() => consumer.disconnect())
      expect(rows.size).toBe(47)
      expect(rows.has('items_2:111')).toBe(true)

      // the state says it is done: a rerun sends nothing new
      const again = await runOps([...args, '--json'], { env: { ...sourceEnv(), SYNC_ENVELOPE_KEY: KEY } })
      expect(again.stderr).toBe('')
      expect(again.code).toBe(0)
      expect(again.json<{ rowsThisRun: number }>().rowsThisRun).toBe(0)
    },
  )

  it.each([
    { placement: 'on a worker thread', flags: [] },
    { placement: "on the loader's thread", flags: ['--no-kafka-worker'] },
  ])('names Kafka, not the source, when it cannot reach the brokers ($placement)', async ({ flags }) => {
    const db = await createTestDatabase('snapnokafka')
    await db.query('CREATE TABLE items (id INT PRIMARY KEY)')
    await db.query('INSERT INTO items VALUES (1), (2)')
    const dir = seedRuleDir(
      { key: 'items', topic: uniqueName('snapnokafka'), regex: `${db.name}\\.items`, columns: { id: 'id' } },
      'ops-snap-',
    )
    const state = join(mkdtempSync(join(tmpdir(), 'ops-state-')), 'state.json')
    const args = ['snapshot', '--rules', dir, '--rule', 'items', '--state', state]
    // port 1: nothing listens there, the connection is refused at once
    const r = await runOps([...args, '--brokers', '127.0.0.1:1', ...flags], {
      env: { ...sourceEnv(), SYNC_ENVELOPE_KEY: KEY },
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^sync-ops snapshot: (cannot reach )?Kafka at 127\.0\.0\.1:1\b/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toContain(KEY)
  })

  it('refuses to start without a key, in one line', async () => {
    const r = await runOps(['snapshot', '--rules', '/nonexistent', '--rule', 'x'], { env: sourceEnv() })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'sync-ops snapshot: no envelope key: pass --key-file PATH or --key-env NAME, or set SYNC_ENVELOPE_KEY\n',
    )
  })
})
