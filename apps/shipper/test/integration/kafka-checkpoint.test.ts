// Checkpoints on a Kafka topic (checkpoint.store = "kafka"): a shipper stopped and started
// again resumes from the topic without a replay and writes no file. The store itself is
// tested in @sync/delivery (test/integration/kafka-checkpoint-store.test.ts).

import { readdir } from 'node:fs/promises'
import { createTestDatabase, createTestKafka, createTestTopic } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'
import { spawnShipper, writeConfig } from './process-helpers.ts'

describe('shipper with checkpoint.store "kafka"', () => {
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
