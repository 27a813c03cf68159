// What /healthz says about the loop: the consumer is running, no partition stopped on a
// non-retriable error, none has failed to load (retriable errors) for over a minute.
import type { StopReason } from './batch-flusher.ts'
import type { Worker } from './partition-worker.ts'

export interface SinkerHealth {
  ok: boolean
  checks: Record<string, { ok: boolean; detail?: string }>
}

/** Retriable failures of a partition for this long make the loop unhealthy. */
export const failingTooLongMs = 60_000

export function sinkerHealth(o: {
  crashed: Error | undefined
  workers: Iterable<Pick<Worker, 'key' | 'failingSince'>>
  stopped: ReadonlyMap<string, StopReason>
  now: number
}): SinkerHealth {
  const failing = [...o.workers].filter(
    (w) => w.failingSince !== undefined && o.now - w.failingSince > failingTooLongMs,
  )
  const stopped = [...o.stopped].map(
    ([key, r]) =>
      `${r.code} ${r.table ?? '(no table)'} on ${key.replace('|', '-')} from offset ${r.first}: ${r.message}`,
  )
  const problems = [
    ...(stopped.length ? [`loading stopped on a non-retriable error: ${stopped.join('; ')}`] : []),
    ...(failing.length ? [`loads failing for over a minute: ${failing.map((w) => w.key).join(', ')}`] : []),
  ]
  return {
    ok: !o.crashed && problems.length === 0,
    checks: {
      consumer: o.crashed ? { ok: false, detail: `crashed: ${o.crashed.message}` } : { ok: true },
      loads: problems.length ? { ok: false, detail: problems.join('; ') } : { ok: true },
    },
  }
}
