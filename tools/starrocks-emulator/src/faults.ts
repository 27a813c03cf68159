// Fault injection for tests: each fault applies to the FE, every BE or one BE (by index),
// `times` times (default: until cleared).

export type FaultTarget = 'fe' | 'be' | number

export type Fault =
  | {
      kind: 'latency'
      ms: number
      phase?: 'before-apply' | 'after-apply'
      target?: FaultTarget
      times?: number
    }
  | { kind: 'http-error'; status?: number; target?: FaultTarget; times?: number }
  | { kind: 'reset'; phase?: 'on-request' | 'after-apply'; target?: FaultTarget; times?: number }
  | { kind: 'publish-timeout'; visibleAfterMs?: number; target?: FaultTarget; times?: number }
  /**
   * The FE's begin-transaction refuses the load with `Status: Fail`, TxnId -1 (default message:
   * the running-transaction limit of §4.3, `current running txns on db <db> is 100, larger than limit 100`).
   */
  | { kind: 'load-fail'; message?: string; target?: FaultTarget; times?: number }

export interface FaultSet {
  add(fault: Fault): void
  clear(): void
  /** Takes (and counts down) the first matching fault of `kind`. */
  take<K extends Fault['kind']>(
    kind: K,
    where: 'fe' | number,
    match?: (f: Extract<Fault, { kind: K }>) => boolean,
  ): Extract<Fault, { kind: K }> | undefined
}

export function createFaultSet(initial: Fault[] = []): FaultSet {
  let faults: Array<{ fault: Fault; left: number }> = []
  const add = (fault: Fault) => faults.push({ fault, left: fault.times ?? Number.POSITIVE_INFINITY })
  initial.forEach(add)
  return {
    add,
    clear: () => {
      faults = []
    },
    take(kind, where, match) {
      const hit = faults.find(({ fault }) => {
        if (fault.kind !== kind) return false
        const t = fault.target ?? 'be'
        const applies = where === 'fe' ? t === 'fe' : t === 'be' || t === where
        return applies && (!match || match(fault as never))
      })
      if (!hit) return undefined
      hit.left -= 1
      if (hit.left <= 0) faults = faults.filter((f) => f !== hit)
      return hit.fault as never
    },
  }
}
