// Checkpoints on a Kafka topic (checkpoint.store = "kafka"): the store keeps the latest
// checkpoint per source, names the topic and offset of a bad one, honours tombstones, and a
// shipper stopped and started again resumes from it without a replay.

import { readdir } from 'node:fs/promises'
import {
  createTestDatabase,
  createTestKafka,
  createTestTopic,
  kafkaBrokers,
  uniqueName,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { Checkpoint } from '../../src/checkpoint-store.ts'
import type { KafkaSettings } from '../../src/config.ts'
import { createKafkaCheckpointStore } from '../../src/kafka-checkpoint-store.ts'
import { newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'
import { spawnShipper, writeConfig } from './process-helpers.ts'

const settings = (): KafkaSettings => ({
  brokers: kafkaBrokers(),
  clientId: uniqueName('cp-test'),
  ssl: false,
  compression: 'none',
  idempotent: false,
  worker: false,
  requestTimeoutMs: 10_000,
  connectionTimeoutMs: 5_000,
})

const cp = (file: string, pos: number, savedAt: number): Checkpoint => ({ file, pos, savedAt })

async function loadFresh(topic: string, sourceId: string) {
  const store = createKafkaCheckpointStore({ settings: settings(), topic, sourceId, loadTimeoutMs: 20_000 })
  try {
    return await store.load()
  } finally {
    await store.close()
  }
}

describe('Kafka checkpoint store', () => {
  it('keeps the latest checkpoint of each source, and none for a source never saved', async () => {
    const topic = await createTestTopic('cp', 3)
    const a = createKafkaCheckpointStore({ settings: settings(), topic, sourceId: 'rds-a' })
    const b = createKafkaCheckpointStore({ settings: settings(), topic, sourceId: 'rds-b' })
    try {
      await a.save(cp('mysql-bin.000001', 400, 1))
      await b.save(cp('mysql-bin.000007', 90, 2))
      await a.save(cp('mysql-bin.000002', 120, 3))
      // the writer answers from memory after a save
      expect(await a.load()).toEqual(cp('mysql-bin.000002', 120, 3))
    } finally {
      await Promise.all([a.close(), b.close()])
    }
    expect(await loadFresh(topic, 'rds-a')).toEqual(cp('mysql-bin.000002', 120, 3))
    expect(await loadFresh(topic, 'rds-b')).toEqual(cp('mysql-bin.000007', 90, 2))
    expect(await loadFresh(topic, 'rds-c')).toBeUndefined()
  }, 90_000)

  it('names the topic, partition and offset of an invalid checkpoint, and clears on a tombstone', async () => {
    const topic = await createTestTopic('cp', 1)
    const producer = createTestKafka().producer()
    await producer.connect()
    try {
      await producer.send({
        topic,
        messages: [
          { key: 'rds-a', value: JSON.stringify(cp('mysql-bin.000003', 4, 1)) },
          { key: 'rds-bad', value: '{"file":"mysql-bin.000001"}' },
          { key: 'rds-a', value: null },
        ],
      })
    } finally {
      await producer.disconnect()
    }
    await expect(loadFresh(topic, 'rds-bad')).rejects.toThrow(
      `checkpoint topic ${topic} partition 0 offset 1: not a valid checkpoint for source rds-bad`,
    )
    expect(await loadFresh(topic, 'rds-a')).toBeUndefined()
  }, 90_000)

  it('refuses a topic that does not exist, saying to create it', async () => {
    const topic = uniqueName('no-such-cp')
    await expect(loadFresh(topic, 'rds-a')).rejects.toThrow(
      `checkpoint topic ${topic} does not exist; create it (cleanup.policy=compact)`,
    )
  }, 60_000)

  it('lets a shipper stopped and started again resume from the topic, with no file written', async () => {
    const db = await createTestDatabase('ship_kcp')
    const topic = await createTestTopic('items', 2)
    const cpTopic = await createTestTopic('shipper-cp', 1)
    const rulesDir = await tempDir('rules')
    const checkpointDir = await tempDir('cp')
    const key = newKey()
    await writeRule(rulesDir, 'items.json', {
      key: `${db.name}.items`,
      topic,
      need_table: false,
      complete_regex: true,
      regex: '',
      column_mapping: { id: 'id', name: 'name' },
    })
    await db.query('CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))')
    const [status] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
    const config = stackConfig({
      rulesDir,
      checkpointDir,
      key,
      extra: {
        checkpoint: { store: 'kafka', topic: cpTopic, dir: checkpointDir, intervalMs: 200 },
        log: { level: 'info' },
      },
    })
    ;(config.sources as Array<Record<string, unknown>>)[0]!.start = {
      file: status!.File,
      pos: Number(status!.Position),
    }
    const configPath = await writeConfig(checkpointDir, config)

    const first = spawnShipper(['--config', configPath])
    for (let i = 1; i <= 20; i++) await db.query('INSERT INTO items VALUES (?, ?)', [i, `n${i}`])
    await readTopics([topic], key, (ms) => ms.length >= 20)
    first.proc.kill('SIGTERM')
    expect((await first.exited).code, first.output()).toBe(0)

    for (let i = 21; i <= 30; i++) await db.query('INSERT INTO items VALUES (?, ?)', [i, `n${i}`])
    const second = spawnShipper(['--config', configPath])
    try {
      // a replay from the configured start would put ids 1..20 again before 21..30
      const messages = await readTopics([topic], key, (ms) => ms.length >= 30, 60_000)
      const ids = messages.map((m) => Number(m.change.row.id)).sort((x, y) => x - y)
      expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      // and nothing more lands: a replay would have written 20 more
      await new Promise((r) => setTimeout(r, 1_500))
      const admin = createTestKafka().admin()
      await admin.connect()
      try {
        const offsets = await admin.fetchTopicOffsets(topic)
        expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(30)
      } finally {
        await admin.disconnect()
      }
    } finally {
      second.proc.kill('SIGTERM')
      await second.exited
    }
    expect(second.output()).toContain('"from":"checkpoint"')
    expect((await readdir(checkpointDir)).filter((f) => f.endsWith('.checkpoint.json'))).toEqual([])
  }, 150_000)
})
