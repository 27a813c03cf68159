// Labels per database (§5.1): only an ABORTED transaction frees its label; any other state
// answers "Label Already Exists" with ExistingJobStatus RUNNING (PREPARE/PREPARED) or
// FINISHED (COMMITTED/VISIBLE). Finished labels expire after label_keep_max_second.

export type TxnState = 'PREPARE' | 'PREPARED' | 'COMMITTED' | 'VISIBLE' | 'ABORTED'

export interface LabelEntry {
  label: string
  txnId: number
  state: TxnState
  finishedAt?: number
}

export interface LabelStore {
  /** Starts a transaction, or returns the entry that blocks the label. */
  begin(db: string, label: string): { ok: true; entry: LabelEntry } | { ok: false; existing: LabelEntry }
  get(db: string, label: string): LabelEntry | undefined
  set(entry: LabelEntry, state: TxnState): void
}

export const existingJobStatus = (s: TxnState) =>
  s === 'COMMITTED' || s === 'VISIBLE' ? 'FINISHED' : 'RUNNING'

export function createLabelStore(keepMaxMs: number, now: () => number = Date.now): LabelStore {
  const dbs = new Map<string, Map<string, LabelEntry>>()
  let nextTxnId = 1000
  const table = (db: string) => {
    let m = dbs.get(db)
    if (!m) {
      m = new Map()
      dbs.set(db, m)
    }
    return m
  }
  const live = (db: string, label: string) => {
    const e = table(db).get(label)
    if (e?.finishedAt !== undefined && now() - e.finishedAt > keepMaxMs) {
      table(db).delete(label)
      return undefined
    }
    return e
  }
  return {
    begin(db, label) {
      const existing = live(db, label)
      if (existing && existing.state !== 'ABORTED') return { ok: false, existing }
      const entry: LabelEntry = { label, txnId: nextTxnId++, state: 'PREPARE' }
      table(db).set(label, entry)
      return { ok: true, entry }
    },
    get: live,
    set(entry, state) {
      entry.state = state
      if (state === 'VISIBLE' || state === 'ABORTED' || state === 'COMMITTED') entry.finishedAt = now()
    },
  }
}
