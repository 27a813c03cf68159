// A source's resume position on a Kafka topic (meant to be compacted): one message per save,
// keyed by the source id, the value the same JSON as the file store's. For boxes without a
// durable disk: the checkpoint lives where the data goes.
//
// load() reads the whole topic once, from the beginning to the end offsets fetched first, and
// keeps the last checkpoint of this source (the highest savedAt if the key moved between
// partitions after a repartition; a null value clears it). Afterwards the store answers from
// memory: this process is the only writer of its key.
//
// The topic is not created here: create it with cleanup.policy=compact (see the README).
import { Kafka, logLevel } from 'kafkajs'
import { type Checkpoint, type CheckpointStore, parseCheckpoint } from './checkpoint-store.ts'
import { DeliveryError } from './errors.ts'
import { kafkaClientConfig } from './kafka-producer.ts'
import type { KafkaSettings } from './kafka-settings.ts'

export interface KafkaCheckpointStoreOptions {
  settings: KafkaSettings
  topic: string
  sourceId: string
  /** How long load() keeps trying while Kafka is unreachable (default 60 s). */
  loadTimeoutMs?: number
}

export interface ClosableCheckpointStore extends CheckpointStore {
  close(): Promise<void>
}

export function createKafkaCheckpointStore(o: KafkaCheckpointStoreOptions): ClosableCheckpointStore {
  const kafka = new Kafka({ ...kafkaClientConfig(o.settings), logLevel: logLevel.NOTHING })
  const producer = kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  })
  const location = `kafka topic ${o.topic}, key ${o.sourceId}`
  let connected: Promise<void> | undefined
  let known: { checkpoint: Checkpoint | undefined } | undefined
  const fail = (message: string, cause?: unknown, retriable = false) =>
    new DeliveryError('DELIVERY_CHECKPOINT', message, {
      source: o.sourceId,
      retriable,
      ...(cause === undefined ? {} : { cause }),
    })

  async function readTopic(): Promise<Checkpoint | undefined> {
    const admin = kafka.admin()
    await admin.connect()
    let ends: Array<{ partition: number; high: string; low: string }>
    try {
      const topics = await admin.listTopics()
      if (!topics.includes(o.topic))
        throw fail(
          `checkpoint topic ${o.topic} does not exist; create it (cleanup.policy=compact) before starting the shipper`,
        )
      ends = await admin.fetchTopicOffsets(o.topic)
    } finally {
      await admin.disconnect().catch(() => {})
    }
    const pending = new Map(
      ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
    )
    if (pending.size === 0) return undefined

    let best: Checkpoint | undefined
    let bestPartition = -1
    let bad: DeliveryError | undefined
    // a group of its own that never commits: every load reads from the beginning
    const consumer = kafka.consumer({
      groupId: `${o.settings.clientId}.checkpoint-reader.${o.sourceId}`,
      allowAutoTopicCreation: false,
    })
    await consumer.connect()
    try {
      await consumer.subscribe({ topic: o.topic, fromBeginning: true })
      let finished!: () => void
      const done = new Promise<void>((resolve) => {
        finished = resolve
      })
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = pending.get(partition)
          if (end === undefined) return
          if (message.key?.toString() === o.sourceId) {
            if (message.value === null) {
              if (partition === bestPartition || best === undefined) best = undefined
            } else {
              const parsed = parseCheckpoint(message.value.toString())
              if (!parsed)
                bad ??= fail(
                  `checkpoint topic ${o.topic} partition ${partition} offset ${message.offset}: not a valid checkpoint for source ${o.sourceId}; fix it by writing a valid one or a null value (tombstone)`,
                )
              else if (partition === bestPartition || best === undefined || parsed.savedAt >= best.savedAt) {
                best = parsed
                bestPartition = partition
              }
            }
          }
          if (BigInt(message.offset) + 1n >= end) {
            pending.delete(partition)
            if (pending.size === 0) finished()
          }
        },
      })
      await done
    } finally {
      await consumer.disconnect().catch(() => {})
    }
    if (bad) throw bad
    return best
  }

  return {
    location,
    async load() {
      if (known) return known.checkpoint
      const deadline = Date.now() + (o.loadTimeoutMs ?? 60_000)
      for (let attempt = 1; ; attempt++) {
        try {
          const checkpoint = await readTopic()
          known = { checkpoint }
          return checkpoint
        } catch (err) {
          if (err instanceof DeliveryError) throw err
          if (Date.now() >= deadline)
            throw fail(`cannot read the checkpoint from ${location}: ${(err as Error).message}`, err, true)
          await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)))
        }
      }
    },
    async save(checkpoint) {
      try {
        connected ??= producer.connect().catch((err) => {
          connected = undefined
          throw err
        })
        await connected
        await producer.send({
          topic: o.topic,
          acks: -1,
          messages: [{ key: o.sourceId, value: JSON.stringify(checkpoint) }],
        })
        known = { checkpoint }
      } catch (err) {
        throw fail(`cannot write the checkpoint to ${location}: ${(err as Error).message}`, err, true)
      }
    },
    async close() {
      await producer.disconnect().catch(() => {})
    },
  }
}
