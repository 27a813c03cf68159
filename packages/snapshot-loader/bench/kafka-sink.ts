// The bench's sink: a kafkajs producer (acks from all replicas, no idempotence, one request
// in flight per broker) and an admin client for partition counts, as ops-cli wires one.
// `createSink` is also the module createWorkerSink runs on a worker thread, and
// `sinkOver` the integration tests' kafkaSink (test/integration/helpers.ts).
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs'
import type { SnapshotSink } from '../src/index.ts'

/** A connected producer and admin client as a SnapshotSink. */
export function sinkOver(producer: Producer, admin: Admin): SnapshotSink {
  return {
    async send(topic, messages) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
          ...(m.partition === undefined ? {} : { partition: m.partition }),
        })),
      })
    },
    async partitionCount(topic) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      return meta.topics[0]?.partitions.length ?? 0
    },
  }
}

/** The producer and admin client the sinks here use. */
export function kafkaClients(kafka: Kafka): { producer: Producer; admin: Admin } {
  return {
    producer: kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: true }),
    admin: kafka.admin(),
  }
}

export interface BenchSinkOptions {
  brokers: string[]
}

export async function createSink(
  options: BenchSinkOptions,
): Promise<SnapshotSink & { close(): Promise<void> }> {
  const kafka = new Kafka({
    clientId: 'snapshot-bench',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
  })
  const { producer, admin } = kafkaClients(kafka)
  await producer.connect()
  await admin.connect()
  return {
    ...sinkOver(producer, admin),
    async close() {
      await producer.disconnect()
      await admin.disconnect()
    },
  }
}
