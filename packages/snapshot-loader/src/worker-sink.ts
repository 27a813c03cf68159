// A sink on a worker thread. The producer's record encoding (kafkajs: record batches,
// varints, CRC-32C, buffer copies) costs about as much CPU per row as reading, rendering
// and sealing together; on its own thread it runs beside them. The caller names a module
// whose `createSink(options)` builds the real sink inside the worker (the loader still owns
// no Kafka client). Batches cross as arrays of keys and values plus each distinct headers
// object once (every row of a chunk shares one), so the copy costs little.
//
//   main → worker: { type: 'send', id, topic, keys, values, partitions, headerSets, headerOf }
//                  { type: 'partitions', id, topic } | { type: 'close' }
//   worker → main: { type: 'done', id, value?, error? } | { type: 'closed' }
//
// A worker that dies fails the calls in flight; the next call starts a new one.

import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { workerEntry } from '@sync/service-kit'
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

export type FromSinkWorker =
  | {
      type: 'done'
      id: number
      value?: number
      error?: { name: string; message: string; retriable?: boolean }
    }
  | { type: 'closed' }

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
  const { entry, eval: isEval } = workerEntry(import.meta.url, 'worker-sink-entry')
  const pending = new Map<number, { resolve(value: number | undefined): void; reject(err: Error): void }>()
  let worker: Worker | undefined
  let onClosed: (() => void) | undefined
  let nextId = 1

  const failAll = (err: Error) => {
    const list = [...pending.values()]
    pending.clear()
    for (const p of list) p.reject(err)
  }
  const spawn = (): Worker => {
    const w = new Worker(entry, {
      eval: isEval,
      workerData: { module: moduleUrl, options: options.options },
    })
    w.on('message', (m: FromSinkWorker) => {
      if (m.type === 'closed') return onClosed?.()
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.error === undefined) return p.resolve(m.value)
      const err = Object.assign(new Error(m.error.message), {
        ...(m.error.retriable === undefined ? {} : { retriable: m.error.retriable }),
      })
      err.name = m.error.name
      p.reject(err)
    })
    w.on('error', (err) => failAll(err))
    w.on('exit', (code) => {
      if (worker === w) worker = undefined
      failAll(new Error(`the sink worker thread exited (code ${code})`))
      onClosed?.()
    })
    return w
  }
  const call = (make: (id: number) => ToSinkWorker): Promise<number | undefined> => {
    worker ??= spawn()
    const w = worker
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      w.postMessage(make(id))
    })
  }

  return {
    async send(topic, messages) {
      await call((id) => packBatch(id, topic, messages))
    },
    async partitionCount(topic) {
      return (await call((id) => ({ type: 'partitions', id, topic }))) ?? 0
    },
    async close() {
      const w = worker
      worker = undefined
      if (!w) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000)
        onClosed = () => {
          clearTimeout(timer)
          resolve()
        }
        w.postMessage({ type: 'close' } satisfies ToSinkWorker)
      })
      onClosed = undefined
      await w.terminate()
      failAll(new Error('the sink is closed'))
    },
  }
}
