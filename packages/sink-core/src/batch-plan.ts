// The planned batch, kept in the offset-commit METADATA of the partition's committed offset.
//
// Before a batch [first..last] is loaded, the sinker commits offset `first` (unchanged) with
// metadata {"v":1,"last":"<last>","label":"<label>"}. Whoever consumes the partition next
// (this process after a crash, or another member after a rebalance) reads it back and forms
// exactly that batch again, under the same label, so StarRocks recognises a load that was
// already applied. After the load, offset last+1 is committed with no metadata.

export interface BatchPlan {
  /** The last offset of the planned batch (inclusive), as a decimal string. */
  last: string
  /** The base label of the planned batch. */
  label: string
}

const prefix = 'sinker:'

export function encodeBatchPlan(plan: BatchPlan): string {
  return `${prefix}${JSON.stringify({ v: 1, last: plan.last, label: plan.label })}`
}

/** The plan in a committed offset's metadata, or undefined (no plan, or someone else's text). */
export function decodeBatchPlan(metadata: string | null | undefined): BatchPlan | undefined {
  if (!metadata?.startsWith(prefix)) return undefined
  try {
    const v = JSON.parse(metadata.slice(prefix.length)) as Record<string, unknown>
    if (v.v !== 1 || typeof v.last !== 'string' || !/^\d+$/.test(v.last) || typeof v.label !== 'string')
      return undefined
    return { last: v.last, label: v.label }
  } catch {
    return undefined
  }
}
