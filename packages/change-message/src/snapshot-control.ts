// Snapshot control messages: how a snapshot tells the sinker where it stands.
//
// The snapshot loader writes, into the batch topic of a logical target, to EVERY partition:
//   snapshot-begin  { snapshotId, target, tables, startedAt }
//   chunk-done      { snapshotId, target, table, chunk, position, rows }   after a chunk's rows
//   snapshot-end    { snapshotId, target, counts: { [table]: rows }, checksum? , position }
// Row messages of a snapshot carry the headers sync-snapshot-id and sync-snapshot-pos: the
// binlog position at which the chunk's consistent read was taken.
//
// The handoff rule (see docs/architecture.md): a snapshot row of chunk k is the state of
// its row exactly at S_k, the binlog position of the chunk's consistent read. A stream
// change carries the position where its row event ends (sync-binlog-file/-pos), which
// lies inside its transaction: P < S_k means the chunk already saw the change, P > S_k
// that it did not. While a snapshot of a target is open, the sinker holds stream changes
// of that target with P later than the position of the last applied chunk, and replays
// them in order once the next chunk is applied (or the snapshot ends). Each change carries
// the whole row and the last change of a key wins, so replaying changes a chunk already
// includes is harmless, and no snapshot row is ever applied after a newer change.

import { ChangeMessageError } from './errors.ts'

export const controlHeader = 'sync-control'
export const snapshotHeaders = {
  id: 'sync-snapshot-id',
  position: 'sync-snapshot-pos',
  chunk: 'sync-snapshot-chunk',
} as const

export type SnapshotControl =
  | { type: 'snapshot-begin'; snapshotId: string; target: string; tables: string[]; startedAt: number }
  | {
      type: 'chunk-done'
      snapshotId: string
      target: string
      table: string
      chunk: number
      position: string
      rows: number
    }
  | {
      type: 'snapshot-end'
      snapshotId: string
      target: string
      counts: Record<string, number>
      checksum?: string | undefined
      position: string
    }

const types = new Set(['snapshot-begin', 'chunk-done', 'snapshot-end'])

/** The plaintext of a control message (encrypt it like any value). */
export function encodeSnapshotControl(control: SnapshotControl): {
  plaintext: string
  headers: Record<string, string>
} {
  return {
    plaintext: JSON.stringify(control),
    headers: { [controlHeader]: control.type, [snapshotHeaders.id]: control.snapshotId },
  }
}

export function isControlMessage(headers: Record<string, string>): boolean {
  return headers[controlHeader] !== undefined
}

export function parseSnapshotControl(plaintext: string, origin?: string): SnapshotControl {
  let v: unknown
  try {
    v = JSON.parse(plaintext)
  } catch (cause) {
    throw new ChangeMessageError('CM_PARSE', 'a snapshot control message is not JSON', { cause, origin })
  }
  const o = v as Record<string, unknown>
  if (
    typeof o !== 'object' ||
    o === null ||
    !types.has(o.type as string) ||
    typeof o.snapshotId !== 'string' ||
    typeof o.target !== 'string'
  ) {
    throw new ChangeMessageError('CM_SHAPE', 'not a snapshot control message (type, snapshotId, target)', {
      origin,
    })
  }
  return o as unknown as SnapshotControl
}
