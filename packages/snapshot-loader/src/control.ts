// Control messages on the batch topic, one copy per partition, so a sinker reading any
// partition sees where the snapshot stands (packages/change-message/src/snapshot-control.ts).
// Each copy is sealed on its own (fresh nonce) like any other value.

import {
  encodeKey,
  encodeSnapshotControl,
  headerNames,
  messageVersion,
  type SealingCipher,
  type SnapshotControl,
  snapshotHeaders,
} from '@sync/change-message'
import type { SnapshotPosition } from './position.ts'
import type { SinkMessage } from './types.ts'

export function controlMessages(
  cipher: SealingCipher,
  control: SnapshotControl,
  partitions: number,
  position: SnapshotPosition | undefined,
): SinkMessage[] {
  const { plaintext, headers } = encodeSnapshotControl(control)
  const common: Record<string, string> = {
    ...headers,
    [headerNames.version]: messageVersion,
    [headerNames.target]: control.target,
  }
  if (position !== undefined) {
    common[snapshotHeaders.position] = `${position.file}:${position.pos}`
    common[headerNames.binlogFile] = position.file
    common[headerNames.binlogPos] = String(position.pos)
    if (position.gtid !== undefined) common[headerNames.gtid] = position.gtid
  }
  if (control.type === 'chunk-done') common[snapshotHeaders.chunk] = String(control.chunk)
  const key = encodeKey({ snapshot: control.snapshotId })
  const out: SinkMessage[] = []
  for (let partition = 0; partition < partitions; partition++) {
    out.push({ key, value: cipher.sealToJson(plaintext), headers: { ...common }, partition })
  }
  return out
}
