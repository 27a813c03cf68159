// The snapshot's Kafka sink: a connected kafkajs producer (acks from all in-sync replicas,
// no idempotence, one request in flight) and an admin client for partition counts. The
// snapshot command builds it on its own thread (--no-kafka-worker) or has
// @sync/snapshot-loader's createWorkerSink build it on a worker thread, where
// `createSink(options)` is the entry point; the options are then copied to the thread, so
// they are plain data only.
import { createKafkaClient, createKafkaSink, type KafkaClientOptions } from '@sync/ops-kit'
import type { SnapshotSink } from '@sync/snapshot-loader'

export type SnapshotKafkaSink = SnapshotSink & { close(): Promise<void> }

export async function createSink(options: KafkaClientOptions): Promise<SnapshotKafkaSink> {
  const kafka = createKafkaClient({
    ...options,
    clientId: 'sync-ops-snapshot',
    // a long snapshot rides out a broker restart; the default timeouts of kafkajs apply
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 30_000,
    retries: 5,
  })
  const producer = kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
  })
  const admin = kafka.admin()
  const close = async () => {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()])
  }
  try {
    await Promise.all([producer.connect(), admin.connect()])
  } catch (err) {
    await close()
    throw err
  }
  return { ...createKafkaSink(producer, admin), close }
}
