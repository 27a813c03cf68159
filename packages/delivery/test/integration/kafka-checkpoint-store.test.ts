// Checkpoints on a Kafka topic, against the stack's broker: the store keeps the latest
// checkpoint per source, names the topic, partition and offset of a bad one, honours
// tombstones, and refuses a topic that does not exist.

import { createTestKafka, createTestTopic, kafkaBrokers, uniqueName } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { Checkpoint } from '../../src/checkpoint-store.ts'
import { createKafkaCheckpointStore } from '../../src/kafka-checkpoint-store.ts'
import type { KafkaSettings } from '../../src/kafka-settings.ts'

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
})
