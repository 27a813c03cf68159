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
  compileKeyEncoder,
  compileSeedPlaintext,
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
  /**
   * Key and value writers for the mapped rows of one chunk, which all have the shape of
   * `sample` (one projection: the same keys in the same order). They write what `encode`
   * writes, without key objects and with the names quoted once; `sample` is checked
   * against `encode`'s text, and a shape the writers do not render alike gets writers
   * that take `encode`'s path.
   */
  writerFor(sample: Record<string, unknown>, keyColumns: readonly string[], source: ChangeSource): ShapeWriter
}

export interface ShapeWriter {
  key(row: Record<string, unknown>): string
  /** The sealed value. */
  value(row: Record<string, unknown>): string
  /** The plaintext `value` seals. */
  plaintext(row: Record<string, unknown>): string
}

const omitted: ReadonlySet<string> = new Set([headerNames.op, headerNames.format])

function keyOf(row: Record<string, unknown>, keyColumns: readonly string[]): Record<string, unknown> {
  const key: Record<string, unknown> = {}
  for (const k of keyColumns) key[k] = row[k]
  return key
}

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
    writerFor(sample, keyColumns, source) {
      const general = (row: Record<string, unknown>) =>
        plaintextOf({ op: 'upsert', row, key: keyOf(row, keyColumns), source })
      let key = compileKeyEncoder(keyColumns)
      let plaintext = format === 'seed' ? compileSeedPlaintext(Object.keys(sample)) : general
      if (key(sample) !== encodeKey(keyOf(sample, keyColumns))) {
        key = (row) => encodeKey(keyOf(row, keyColumns))
      }
      if (plaintext(sample) !== general(sample)) plaintext = general
      return { key, plaintext, value: (row) => cipher.sealToJson(plaintext(row)) }
    },
  }
}
