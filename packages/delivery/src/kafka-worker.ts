// Worker thread entry (kafka.worker): owns the kafkajs producer, so record-batch encoding
// (about half of the shipper's CPU time per message) runs beside the binlog reading,
// mapping and sealing.
//
//   main → worker: { type: 'send', id, topics } | { type: 'close' }
//   worker → main: { type: 'done', id, error? } | { type: 'closed' } (service-kit's WorkerReply)

import { parentPort, workerData } from 'node:worker_threads'
import { type WorkerReply, workerErrorReply } from '@sync/service-kit'
import { createKafkaProducer, type TopicBatch } from './kafka-producer.ts'
import type { KafkaSettings } from './kafka-settings.ts'

export type ToWorker = { type: 'send'; id: number; topics: TopicBatch[] } | { type: 'close' }

const port = parentPort
if (port) {
  const producer = createKafkaProducer((workerData as { settings: KafkaSettings }).settings)
  const reply = (m: WorkerReply) => port.postMessage(m)
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      void producer.close().then(() => reply({ type: 'closed' }))
      return
    }
    producer.send(m.topics).then(
      () => reply({ type: 'done', id: m.id }),
      (err: unknown) => reply({ type: 'done', id: m.id, error: workerErrorReply(err) }),
    )
  })
}
