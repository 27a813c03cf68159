// The offset-commit METADATA of a partition: the planned batch, and the partition's snapshot
// progress (snapshot-progress.ts).
//
// Before a batch [first..last] is loaded, the sinker commits offset `first` (unchanged) with
// metadata {"v":1,"last":"<last>","label":"<label>"}. Whoever consumes the partition next
// (this process after a crash, or another member after a rebalance) reads it back and forms
// exactly that batch again, under the same label, so StarRocks recognises a load that was
// already applied. After the load, offset last+1 is committed without a plan.
//
// A partition that carries snapshot control messages adds "snap": one entry per table,
// [{"t":table,"id":snapshotId,"at":startedAt?,"pos":"file:pos"?,"end":1?}], to both commits
// (as of before the batch in the plan commit, after it in the completion). Older readers
// ignore the field; metadata without a plan or progress is null.
import type { SnapshotProgress } from './snapshot-progress.ts'

export interface BatchPlan {
  /** The last offset of the planned batch (inclusive), as a decimal string. */
  last: string
  /** The base label of the planned batch. */
  label: string
}

const prefix = 'sinker:'

function encodeProgress(p: SnapshotProgress): Record<string, unknown> {
  return {
    t: p.table,
    id: p.snapshotId,
    ...(p.startedAt === undefined ? {} : { at: p.startedAt }),
    ...(p.position === undefined ? {} : { pos: p.position }),
    ...(p.ended ? { end: 1 } : {}),
  }
}

/** The metadata of a commit: the plan (plan commits only) and the snapshot progress. */
export function encodeCommitMetadata(
  plan: BatchPlan | undefined,
  progress: readonly SnapshotProgress[] = [],
): string | null {
  if (!plan && progress.length === 0) return null
  return `${prefix}${JSON.stringify({
    v: 1,
    ...(plan ? { last: plan.last, label: plan.label } : {}),
    ...(progress.length ? { snap: progress.map(encodeProgress) } : {}),
  })}`
}

export function encodeBatchPlan(plan: BatchPlan): string {
  return encodeCommitMetadata(plan)!
}

function parse(metadata: string | null | undefined): Record<string, unknown> | undefined {
  if (!metadata?.startsWith(prefix)) return undefined
  try {
    const v = JSON.parse(metadata.slice(prefix.length)) as unknown
    return typeof v === 'object' && v !== null && (v as { v?: unknown }).v === 1
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The plan in a committed offset's metadata, or undefined (no plan, or someone else's text). */
export function decodeBatchPlan(metadata: string | null | undefined): BatchPlan | undefined {
  const v = parse(metadata)
  if (!v || typeof v.last !== 'string' || !/^\d+$/.test(v.last) || typeof v.label !== 'string')
    return undefined
  return { last: v.last, label: v.label }
}

/** The snapshot progress in a committed offset's metadata (entries that do not parse are skipped). */
export function decodeSnapshotProgress(metadata: string | null | undefined): SnapshotProgress[] {
  const snap = parse(metadata)?.snap
  if (!Array.isArray(snap)) return []
  const out: SnapshotProgress[] = []
  for (const e of snap as Array<Record<string, unknown>>) {
    if (typeof e !== 'object' || e === null || typeof e.t !== 'string' || typeof e.id !== 'string') continue
    out.push({
      table: e.t,
      snapshotId: e.id,
      ...(typeof e.at === 'number' ? { startedAt: e.at } : {}),
      ...(typeof e.pos === 'string' ? { position: e.pos } : {}),
      ...(e.end === 1 ? { ended: true } : {}),
    })
  }
  return out
}
