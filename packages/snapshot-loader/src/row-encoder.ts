// A snapshot row → its Kafka key and sealed value, with the plaintext and key functions the
// stream's encoder uses (@sync/change-message), so the bytes are the same.
//
// Headers: every row of a chunk has the same ones, so they are built once per chunk and
// shared by all its messages (sinks read them, never change them). A snapshot row carries
// the contract's headers (version, kind, db, table, target, binlog file/pos, GTID, event
// time) and sync-snapshot-id / -pos / -chunk, but not the two no consumer reads: sync-op
// (always upsert, and the plaintext says so) and sync-format (the plaintext shows it).
// Headers were half the bytes of a row message, and the producer encodes each as two fields.

import {
  buildHeaders,
  type Change,
  type ChangeSource,
  debeziumPlaintext,
  encodeKey,
  headerNames,
  type OutputFormat,
  type SealingCipher,
  seedPlaintext,
  snapshotHeaders,
} from '@sync/change-message'

export interface RowEncoder {
  /** The headers of every row of one chunk (frozen: shared by all its messages). */
  chunkHeaders(source: ChangeSource, snapshotId: string, chunk: number): Readonly<Record<string, string>>
  /** Key and sealed value of one mapped row. */
  encode(
    row: Record<string, unknown>,
    key: Record<string, unknown>,
    source: ChangeSource,
  ): { key: string; value: string }
}

const omitted: ReadonlySet<string> = new Set([headerNames.op, headerNames.format])

export function createRowEncoder(cipher: SealingCipher, format: OutputFormat): RowEncoder {
  const plaintextOf = format === 'seed' ? seedPlaintext : debeziumPlaintext
  return {
    chunkHeaders(source, snapshotId, chunk) {
      const h: Record<string, string> = {}
      for (const [name, value] of Object.entries(buildHeaders('upsert', format, source))) {
        if (!omitted.has(name)) h[name] = value
      }
      h[snapshotHeaders.id] = snapshotId
      h[snapshotHeaders.position] = `${source.binlogFile}:${source.binlogPos}`
      h[snapshotHeaders.chunk] = String(chunk)
      return Object.freeze(h)
    },
    encode(row, key, source) {
      const change: Change = { op: 'upsert', row, key, source }
      return { key: encodeKey(key), value: cipher.sealToJson(plaintextOf(change)) }
    },
  }
}
