// The one Kafka sender all sources share. It groups a batch per topic (one sendBatch per
// batch), tracks health, and hands the batch to the kafkajs producer, on the calling thread
// or, with `kafka.worker`, on a worker thread (src/kafka-worker.ts): kafkajs' record
// encoding costs about as much CPU per message as reading, mapping and sealing together,
// so with a spare core the two halves run side by side (at the price of a second V8 heap).
// Order is unchanged: a source has one batch in flight, and the worker handles batches in
// the order it receives them.

import { createWorkerChannel, workerEntry } from '@sync/service-kit'
import type { OutMessage } from './delivery-loop.ts'
import { DeliveryError } from './errors.ts'
import { createKafkaProducer, type KafkaProducer, type TopicBatch } from './kafka-producer.ts'
import type { KafkaSettings } from './kafka-settings.ts'
import type { ToWorker } from './kafka-worker.ts'

export interface KafkaHealth {
  ok: boolean
  consecutiveFailures: number
  lastError?: string
  lastOkAt?: number
}

export interface KafkaSender {
  send(messages: readonly OutMessage[]): Promise<void>
  health(): KafkaHealth
  close(): Promise<void>
}

export interface KafkaSenderOptions {
  settings: KafkaSettings
  log: {
    warn(msg: string, fields?: Record<string, unknown>): void
    info(msg: string, fields?: Record<string, unknown>): void
  }
  now(): number
}

/** Messages grouped per topic, each topic's messages in batch order. */
export function groupByTopic(messages: readonly OutMessage[]): TopicBatch[] {
  const byTopic = new Map<string, TopicBatch>()
  for (const m of messages) {
    let t = byTopic.get(m.topic)
    if (!t) {
      t = { topic: m.topic, messages: [] }
      byTopic.set(m.topic, t)
    }
    t.messages.push({ key: m.key, value: m.value, headers: m.headers })
  }
  return [...byTopic.values()]
}

export function createKafkaSender({ settings, log, now }: KafkaSenderOptions): KafkaSender {
  const producer = settings.worker ? createWorkerProducer(settings) : createKafkaProducer(settings)
  let closed = false
  const state: KafkaHealth = { ok: true, consecutiveFailures: 0 }

  return {
    async send(messages) {
      if (closed) throw new DeliveryError('DELIVERY_KAFKA', 'the producer is closed', { retriable: false })
      try {
        await producer.send(groupByTopic(messages))
      } catch (err) {
        state.ok = false
        state.consecutiveFailures++
        state.lastError = `${(err as Error).name}: ${(err as Error).message}`
        throw new DeliveryError(
          'DELIVERY_KAFKA',
          `Kafka did not acknowledge ${messages.length} messages: ${(err as Error).message}`,
          { cause: err },
        )
      }
      if (!state.ok) log.info('kafka delivers again', { after: state.consecutiveFailures })
      state.ok = true
      state.consecutiveFailures = 0
      state.lastOkAt = now()
    },
    health: () => ({ ...state }),
    async close() {
      closed = true
      await producer.close()
    },
  }
}

/** The producer on a worker thread; respawned at the next send if the worker dies. */
function createWorkerProducer(settings: KafkaSettings): KafkaProducer {
  // from sources the worker registers tsx itself (Node 20 does not carry module hooks over)
  const channel = createWorkerChannel({
    entry: workerEntry(import.meta.url, 'kafka-worker'),
    workerData: { settings },
    what: 'Kafka producer',
  })
  return {
    async send(topics) {
      await channel.call((id) => ({ type: 'send', id, topics: topics as TopicBatch[] }) satisfies ToWorker)
    },
    close: () => channel.close(),
  }
}
