// Worker thread entry (kafka.worker): owns the kafkajs producer, so record-batch encoding
// (about half of the shipper's CPU time per message) runs beside the binlog reading,
// mapping and sealing.
//
//   main → worker: { type: 'send', id, topics } | { type: 'close' }
//   worker → main: { type: 'done', id, error? } | { type: 'closed' }

import { parentPort, workerData } from 'node:worker_threads'
import { createKafkaProducer, type TopicBatch } from './kafka-producer.ts'
import type { KafkaSettings } from './kafka-settings.ts'

export type ToWorker = { type: 'send'; id: number; topics: TopicBatch[] } | { type: 'close' }
export type FromWorker =
  | { type: 'done'; id: number; error?: { name: string; message: string } }
  | { type: 'closed' }

const port = parentPort
if (port) {
  const producer = createKafkaProducer((workerData as { settings: KafkaSettings }).settings)
  const reply = (m: FromWorker) => port.postMessage(m)
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      void producer.close().then(() => reply({ type: 'closed' }))
      return
    }
    producer.send(m.topics).then(
      () => reply({ type: 'done', id: m.id }),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err))
        reply({ type: 'done', id: m.id, error: { name: e.name, message: e.message } })
      },
    )
  })
}
