import type { Change, ChangeSource } from './change.ts'
import { encodeKey } from './encode.ts'

/**
 * The changes one binlog row event gives. An UPDATE that changes the primary key becomes a
 * delete of the old key followed by an upsert of the new one, so a keyed sink never keeps
 * the old row. The two go to their own keys' partitions; each key's history stays in
 * order, which is all a keyed sink needs to reach the source's final state.
 */
export function changesFromRow(
  kind: ChangeSource['kind'],
  mapped: { before?: Record<string, unknown> | undefined; after?: Record<string, unknown> | undefined },
  keyOf: (row: Record<string, unknown>) => Record<string, unknown>,
  source: ChangeSource,
): Change[] {
  if (kind === 'delete') {
    const row = mapped.before ?? mapped.after!
    return [{ op: 'delete', row, key: keyOf(row), source }]
  }
  if (kind === 'update' && mapped.before && mapped.after) {
    const oldKey = keyOf(mapped.before)
    const newKey = keyOf(mapped.after)
    if (encodeKey(oldKey) !== encodeKey(newKey)) {
      return [
        { op: 'delete', row: mapped.before, key: oldKey, source },
        { op: 'upsert', row: mapped.after, key: newKey, source },
      ]
    }
    return [{ op: 'upsert', row: mapped.after, key: newKey, before: mapped.before, source }]
  }
  const row = mapped.after ?? mapped.before!
  return [{ op: 'upsert', row, key: keyOf(row), source }]
}
