// Calls to a worker thread, answered one reply per call: the thread starts at the first call
// (from workerEntry), a reply settles its call by id, and a thread that dies fails every call
// in flight; the next call starts a new one.
//
//   caller → worker: any message carrying the call's `id`, made by `call`; { type: 'close' }
//   worker → caller: { type: 'done', id, value?, error? } | { type: 'closed' }

import { Worker } from 'node:worker_threads'
import type { WorkerEntry } from './worker-entry.ts'

/** A worker's reply to one call, or its word that it closed what it owned. */
export type WorkerReply =
  | { type: 'done'; id: number; value?: unknown; error?: WorkerErrorReply }
  | { type: 'closed' }

/** An error as it crosses back: name and message, and `retriable` when the error had one. */
export interface WorkerErrorReply {
  name: string
  message: string
  retriable?: boolean
}

/** The reply for a failed call, from whatever was thrown on the worker. */
export function workerErrorReply(err: unknown): WorkerErrorReply {
  const e = err instanceof Error ? err : new Error(String(err))
  const retriable = (err as { retriable?: unknown } | undefined)?.retriable
  return { name: e.name, message: e.message, ...(typeof retriable === 'boolean' ? { retriable } : {}) }
}

export interface WorkerChannelOptions {
  /** Where the thread starts: workerEntry(import.meta.url, '<worker file>'). */
  entry: WorkerEntry
  /** Handed to the thread as workerData: structured-cloneable data only. */
  workerData: unknown
  /** Names the thread in errors: "the <what> worker thread exited (code 1)". */
  what: string
  /** How long close() waits for the worker's 'closed' before ending the thread (default 5000). */
  closeTimeoutMs?: number
}

export interface WorkerChannel {
  /** Sends `make(id)` to the thread; resolves with the reply's value, rejects with its error. */
  call(make: (id: number) => unknown): Promise<unknown>
  /** Asks the thread to close what it owns, ends it, and fails calls still in flight. */
  close(): Promise<void>
}

export function createWorkerChannel(options: WorkerChannelOptions): WorkerChannel {
  const { entry, workerData, what, closeTimeoutMs = 5000 } = options
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>()
  let worker: Worker | undefined
  let onClosed: (() => void) | undefined
  let nextId = 1

  const failAll = (err: Error) => {
    const list = [...pending.values()]
    pending.clear()
    for (const p of list) p.reject(err)
  }
  const spawn = (): Worker => {
    const w = new Worker(entry.entry, { workerData, eval: entry.eval })
    w.on('message', (m: WorkerReply) => {
      if (m.type === 'closed') return onClosed?.()
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.error === undefined) return p.resolve(m.value)
      const err = Object.assign(
        new Error(m.error.message),
        m.error.retriable === undefined ? {} : { retriable: m.error.retriable },
      )
      err.name = m.error.name
      p.reject(err)
    })
    w.on('error', (err) => failAll(err))
    w.on('exit', (code) => {
      if (worker === w) worker = undefined
      failAll(new Error(`the ${what} worker thread exited (code ${code})`))
      onClosed?.()
    })
    return w
  }

  return {
    call(make) {
      worker ??= spawn()
      const w = worker
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        w.postMessage(make(id))
      })
    },
    async close() {
      const w = worker
      worker = undefined
      if (!w) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, closeTimeoutMs)
        onClosed = () => {
          clearTimeout(timer)
          resolve()
        }
        w.postMessage({ type: 'close' })
      })
      onClosed = undefined
      await w.terminate()
      failAll(new Error(`the ${what} is closed`))
    },
  }
}
