// Bad states: a broker down and up mid-run loses nothing and shows in /healthz; a rule
// reload is picked up at once (a new rule's table is captured) and a bad rule set is
// rejected while the old one keeps working; a fatal source error stops that source only.

import { createJsonLogger } from '@sync/service-kit'
import {
  createTestDatabase,
  createTestTopic,
  readStackEnv,
  registerCleanup,
  startPrivateKafkaMock,
  waitFor,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { newKey, readTopics, stackConfig, tempDir, uniqueServerId, writeRule } from './helpers.ts'

async function start(raw: Record<string, unknown>) {
  const parsed = parseConfig(raw, {}, '/')
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
  const lines: string[] = []
  const log = createJsonLogger({ level: 'info', write: (l) => void lines.push(l) })
  const shipper = await startShipper(parsed.config, {
    log,
    retry: { initialDelayMs: 100, maxDelayMs: 1000 },
  })
  registerCleanup(() => shipper.stop(5000).then(() => undefined))
  return { shipper, lines }
}

const exactRule = (db: string, table: string, topic: string) => ({
  key: `${db}.${table}`,
  topic,
  need_table: false,
  complete_regex: true,
  regex: '',
  column_mapping: { id: 'id', v: 'v' },
})

describe('bad states', () => {
  it('loses nothing while a broker is down and shows Kafka unhealthy meanwhile', async () => {
    // a cluster of its own: taking the shared one's brokers down would fail other tests
    const kafka = await startPrivateKafkaMock(3)
    const control = kafka.control
    const db = await createTestDatabase('ship_broker')
    const topic = await kafka.createTopic('outage', 4)
    const rulesDir = await tempDir('rules')
    const key = newKey()
    await writeRule(rulesDir, 'a.json', exactRule(db.name, 'a', topic))
    await db.query('CREATE TABLE a (id INT PRIMARY KEY, v INT)')
    const raw = stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key })
    raw.kafka = { ...(raw.kafka as object), brokers: kafka.brokers }
    const { shipper } = await start(raw)
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    let sawUnhealthy = false
    const probe = setInterval(() => {
      if (shipper.health().checks.kafka?.ok === false) sawUnhealthy = true
    }, 50)
    try {
      for (let i = 1; i <= 300; i++) {
        if (i === 100) for (const id of [1, 2, 3]) await control.brokerDown(id)
        await db.query('INSERT INTO a VALUES (?, ?)', [i, i])
        if (i === 100) {
          await waitFor(() => shipper.health().checks.kafka?.ok === false, {
            what: 'kafka unhealthy',
            timeoutMs: 30_000,
          })
          for (const id of [1, 2, 3]) await control.brokerUp(id)
        }
      }
    } finally {
      for (const id of [1, 2, 3]) await control.brokerUp(id)
      clearInterval(probe)
    }
    const messages = await readTopics(
      [topic],
      key,
      (m) => new Set(m.map((x) => x.change.row.id)).size >= 300,
      60_000,
      kafka.brokers,
    )
    expect(new Set(messages.map((m) => Number(m.change.row.id)))).toEqual(
      new Set(Array.from({ length: 300 }, (_, i) => i + 1)),
    )
    expect(sawUnhealthy).toBe(true)
    await waitFor(() => shipper.health().checks.kafka?.ok, { what: 'kafka healthy again' })
  })

  it('picks up a new rule at once, rejects a bad rule set and keeps the old one', async () => {
    const db = await createTestDatabase('ship_reload')
    const topicA = await createTestTopic('ra', 2)
    const topicB = await createTestTopic('rb', 2)
    const rulesDir = await tempDir('rules')
    const key = newKey()
    await writeRule(rulesDir, 'a.json', exactRule(db.name, 'a', topicA))
    await db.query('CREATE TABLE a (id INT PRIMARY KEY, v INT); CREATE TABLE b (id INT PRIMARY KEY, v INT)')
    const { shipper, lines } = await start(stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key }))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })
    // b is not captured yet: its rows are not shipped
    await db.query('INSERT INTO b VALUES (1, 1)')
    await db.query('INSERT INTO a VALUES (1, 1)')
    // a bad file: the whole new set is rejected, a keeps shipping
    await writeRule(rulesDir, 'bad.json', { key: 'broken' })
    await waitFor(() => lines.some((l) => l.includes('new rule set rejected')), { what: 'rejection logged' })
    await db.query('INSERT INTO a VALUES (2, 2)')
    // fix it by adding b's rule (SIGHUP path: reloadRules) and removing the bad file
    const { rm } = await import('node:fs/promises')
    await rm(`${rulesDir}/bad.json`)
    await writeRule(rulesDir, 'b.json', exactRule(db.name, 'b', topicB))
    await shipper.reloadRules('test')
    await waitFor(() => shipper.health().checks['source:src1']?.ok, { what: 'source running again' })
    await db.query('INSERT INTO b VALUES (2, 2)')
    const got = await readTopics(
      [topicA, topicB],
      key,
      (m) => m.filter((x) => x.topic === topicB).length >= 1 && m.length >= 3,
    )
    expect(
      got
        .filter((m) => m.topic === topicA)
        .map((m) => m.change.row.id)
        .sort(),
    ).toEqual([1, 2])
    expect(got.filter((m) => m.topic === topicB).map((m) => m.change.row.id)).toEqual([2])
  })

  it('stops a source on a fatal error while the other source continues', async () => {
    const env = readStackEnv()
    const db = await createTestDatabase('ship_fatal')
    const topic = await createTestTopic('fatal', 2)
    const rulesDir = await tempDir('rules')
    const key = newKey()
    await writeRule(rulesDir, 'a.json', exactRule(db.name, 'a', topic))
    await db.query('CREATE TABLE a (id INT PRIMARY KEY, v INT)')
    const base = {
      host: env.mysql.host,
      port: env.mysql.port,
      user: env.mysqlRepl.user,
      password: env.mysqlRepl.password,
    }
    const sources = [
      { id: 'good', ...base, serverId: uniqueServerId(), start: 'now' },
      // a position the server's binlog no longer (or never) held: BINLOG_PURGED, fatal
      { id: 'purged', ...base, serverId: uniqueServerId(), start: { file: 'mysql-bin.999999', pos: 4 } },
    ]
    const { shipper, lines } = await start(
      stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key, sources }),
    )
    await waitFor(() => shipper.sources.find((p) => p.id === 'purged')?.state() === 'failed', {
      what: 'purged source failed',
    })
    await waitFor(() => shipper.health().checks['source:good']?.ok, {
      what: 'good source running',
      timeoutMs: 20_000,
    })
    await db.query('INSERT INTO a VALUES (1, 1)')
    const got = await readTopics([topic], key, (m) => m.length >= 1)
    expect(got.map((m) => m.change.row.id)).toEqual([1])
    const report = shipper.health()
    expect(report.ok).toBe(false)
    expect(report.checks['source:purged']?.detail).toContain('BINLOG_PURGED')
    expect(lines.some((l) => l.includes('source purged stopped for good: BINLOG_PURGED'))).toBe(true)
  })
})
