// Worker thread entry of createWorkerSink (src/worker-sink.ts): imports the caller's module,
// builds its sink once, and runs each call as it arrives (sends overlap as they would on
// the main thread; the loader's send window bounds them).

import { parentPort, workerData } from 'node:worker_threads'
import { type WorkerReply, workerErrorReply } from '@sync/service-kit'
import type { SnapshotSink } from './types.ts'
import { type ToSinkWorker, unpackBatch } from './worker-sink.ts'

type ClosableSink = SnapshotSink & { close?(): Promise<void> | void }

const port = parentPort
if (port) {
  const { module, options } = workerData as { module: string; options: unknown }
  const reply = (m: WorkerReply) => port.postMessage(m)
  const ready: Promise<ClosableSink> = import(module).then(
    (m: { createSink?: (o: unknown) => ClosableSink | Promise<ClosableSink> }) => {
      if (typeof m.createSink !== 'function') throw new TypeError(`${module} exports no createSink(options)`)
      return m.createSink(options)
    },
  )
  // a module that fails to load fails every call, with its error
  ready.catch(() => {})
  port.on('message', (m: ToSinkWorker) => {
    if (m.type === 'close') {
      void ready
        .then((sink) => sink.close?.())
        .catch(() => {})
        .then(() => reply({ type: 'closed' }))
      return
    }
    const run =
      m.type === 'send'
        ? ready.then((sink) => sink.send(m.topic, unpackBatch(m))).then(() => undefined)
        : ready.then((sink) => sink.partitionCount(m.topic))
    run.then(
      (value) => reply(value === undefined ? { type: 'done', id: m.id } : { type: 'done', id: m.id, value }),
      (err: unknown) => reply({ type: 'done', id: m.id, error: workerErrorReply(err) }),
    )
  })
}
