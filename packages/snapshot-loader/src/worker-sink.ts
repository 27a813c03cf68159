// A sink on a worker thread. The producer's record encoding (kafkajs: record batches,
// varints, CRC-32C, buffer copies) costs about as much CPU per row as reading, rendering
// and sealing together; on its own thread it runs beside them. The caller names a module
// whose `createSink(options)` builds the real sink inside the worker (the loader still owns
// no Kafka client). Batches cross as arrays of keys and values plus each distinct headers
// object once (every row of a chunk shares one), so the copy costs little.
//
//   main → worker: { type: 'send', id, topic, keys, values, partitions, headerSets, headerOf }
//                  { type: 'partitions', id, topic } | { type: 'close' }
//   worker → main: { type: 'done', id, value?, error? } | { type: 'closed' } (service-kit's
//                  WorkerReply; the calls go through its createWorkerChannel)
//
// A worker that dies fails the calls in flight; the next call starts a new one.

import { pathToFileURL } from 'node:url'
import { createWorkerChannel, workerEntry } from '@sync/service-kit'
import { optionError } from './errors.ts'
import type { SinkMessage, SnapshotSink } from './types.ts'

export interface WorkerSinkOptions {
  /**
   * The module (file URL or absolute path) run on the worker; its export
   * `createSink(options)` returns a SnapshotSink, or a promise of one.
   */
  module: string | URL
  /** Handed to `createSink` on the worker: structured-cloneable data only (no functions). */
  options?: unknown
}

export interface WorkerSink extends SnapshotSink {
  /** Closes the worker's sink (its optional `close()`) and ends the thread. */
  close(): Promise<void>
}

export type ToSinkWorker =
  | {
      type: 'send'
      id: number
      topic: string
      keys: string[]
      values: string[]
      /** -1: the producer's partitioner decides. */
      partitions: Int32Array
      headerSets: Array<Readonly<Record<string, string>>>
      headerOf: Uint32Array
    }
  | { type: 'partitions'; id: number; topic: string }
  | { type: 'close' }

/** A batch in the form it crosses to the worker. */
export function packBatch(
  id: number,
  topic: string,
  messages: readonly SinkMessage[],
): Extract<ToSinkWorker, { type: 'send' }> {
  const n = messages.length
  const keys = new Array<string>(n)
  const values = new Array<string>(n)
  const partitions = new Int32Array(n)
  const headerOf = new Uint32Array(n)
  const headerSets: Array<Readonly<Record<string, string>>> = []
  const seen = new Map<Readonly<Record<string, string>>, number>()
  for (let i = 0; i < n; i++) {
    const m = messages[i] as SinkMessage
    keys[i] = m.key
    values[i] = m.value
    partitions[i] = m.partition ?? -1
    let h = seen.get(m.headers)
    if (h === undefined) {
      h = headerSets.length
      headerSets.push(m.headers)
      seen.set(m.headers, h)
    }
    headerOf[i] = h
  }
  return { type: 'send', id, topic, keys, values, partitions, headerSets, headerOf }
}

/** The messages of a packed batch, headers shared again as they were. */
export function unpackBatch(b: Extract<ToSinkWorker, { type: 'send' }>): SinkMessage[] {
  const out = new Array<SinkMessage>(b.keys.length)
  for (let i = 0; i < out.length; i++) {
    const p = b.partitions[i] as number
    const headers = b.headerSets[b.headerOf[i] as number] as Record<string, string>
    out[i] =
      p < 0
        ? { key: b.keys[i] as string, value: b.values[i] as string, headers }
        : { key: b.keys[i] as string, value: b.values[i] as string, headers, partition: p }
  }
  return out
}

const ignore = (): void => {}

export function createWorkerSink(options: WorkerSinkOptions): WorkerSink {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options)
  for (const key of Object.keys(options)) {
    if (key !== 'module' && key !== 'options') throw optionError(`options.${key}`, 'a known option', key)
  }
  const { module } = options
  if (!(module instanceof URL) && (typeof module !== 'string' || module === '')) {
    throw optionError('options.module', 'a file URL or an absolute path', module)
  }
  const moduleUrl =
    module instanceof URL ? module.href : module.startsWith('file:') ? module : pathToFileURL(module).href
  // from sources the worker registers tsx itself (Node 20 does not carry module hooks over)
  const channel = createWorkerChannel({
    entry: workerEntry(import.meta.url, 'worker-sink-entry'),
    workerData: { module: moduleUrl, options: options.options },
    what: 'snapshot sink',
  })

  return {
    // not async: the batch is copied to the thread at once, and nothing here keeps it
    send: (topic, messages) => channel.call((id) => packBatch(id, topic, messages)).then(ignore),
    async partitionCount(topic) {
      return (
        ((await channel.call((id) => ({ type: 'partitions', id, topic }) satisfies ToSinkWorker)) as
          | number
          | undefined) ?? 0
      )
    },
    close: () => channel.close(),
  }
}
