// Loads rows, and when the target refuses some of them (StarRocks filtered rows, a MySQL data
// error), splits the batch in halves until the refused rows stand alone; the rest loads.
// The halves get labels derived from the parent label ("_0", "_1"), so a replay after a
// crash bisects the same way and StarRocks deduplicates every half that was already applied.
import { splitLabel } from './label.ts'

export interface RowRefusal {
  code: string
  message: string
}

export interface Isolated<R> {
  loaded: number
  rejected: Array<{ row: R; code: string; message: string }>
}

/**
 * `attempt` loads rows under a label and returns how many it loaded; `refusal` says whether
 * an error means "some of these rows are bad" (anything else is rethrown).
 */
export async function loadIsolating<R>(
  rows: readonly R[],
  label: string,
  attempt: (rows: readonly R[], label: string) => Promise<number>,
  refusal: (err: unknown) => RowRefusal | undefined,
  onSplit?: (label: string, rows: number) => void,
): Promise<Isolated<R>> {
  try {
    return { loaded: await attempt(rows, label), rejected: [] }
  } catch (err) {
    const why = refusal(err)
    if (!why) throw err
    if (rows.length === 1) return { loaded: 0, rejected: [{ row: rows[0]!, ...why }] }
    onSplit?.(label, rows.length)
    const mid = Math.ceil(rows.length / 2)
    const a = await loadIsolating(rows.slice(0, mid), splitLabel(label, 0), attempt, refusal, onSplit)
    const b = await loadIsolating(rows.slice(mid), splitLabel(label, 1), attempt, refusal, onSplit)
    return { loaded: a.loaded + b.loaded, rejected: [...a.rejected, ...b.rejected] }
  }
}
