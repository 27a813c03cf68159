// Partial row images: a session with binlog_row_image=MINIMAL or NOBLOB (which any client
// may set for itself, whatever the global says) writes rows events that leave columns out.
// zongji fills an absent column with null, indistinguishable from a real NULL
// (lib/rows_event.js readRow), so such an event is refused, never emitted.
//
// Rows event body (v1/v2, lib/rows_event.js):
//   table_id, flags, [extra data], column_count (packed int),
//   columns_present_bitmap  (ceil(column_count / 8) bytes, bit i = column i, LSB first),
//   [columns_present_bitmap2 for UPDATE: the after image], rows...

import { BinlogError } from '../errors.ts'

/** True when the bitmap marks every one of `columnCount` columns as present. */
export function isFullRowImage(bitmap: Uint8Array | undefined, columnCount: number): boolean {
  if (bitmap === undefined) return true
  const whole = columnCount >> 3
  for (let i = 0; i < whole; i++) if (bitmap[i] !== 0xff) return false
  const rest = columnCount & 7
  if (rest === 0) return true
  const mask = (1 << rest) - 1
  return ((bitmap[whole] ?? 0) & mask) === mask
}

/** Names of the columns the bitmap leaves out. */
export function absentColumns(bitmap: Uint8Array, columnNames: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < columnNames.length; i++) {
    if (((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) === 0) out.push(columnNames[i] as string)
  }
  return out
}

export interface PartialImageContext {
  database: string
  table: string
  /** 'insert' | 'update' | 'delete' */
  kind: string
  /** Which image lacks columns. */
  image: 'before' | 'after' | 'row'
  missing: readonly string[]
  binlogFile: string
  /** Where the rows event starts in the binlog. */
  binlogPos: number
  gtid?: string
}

export function partialRowImageError(c: PartialImageContext): BinlogError {
  return new BinlogError(
    'BINLOG_UNSUPPORTED',
    `the ${c.kind} rows event for ${c.database}.${c.table} at ${c.binlogFile}:${c.binlogPos} carries a partial ` +
      `${c.image} image (absent: ${c.missing.join(', ')}): the writing session ` +
      'ran with binlog_row_image MINIMAL or NOBLOB, and absent columns would read as NULL, so the reader refuses. ' +
      'Set binlog_row_image=FULL globally and keep clients from overriding it per session, then take a new ' +
      `snapshot of ${c.database}.${c.table} and start the stream from the snapshot position`,
    {
      retriable: false,
      database: c.database,
      table: c.table,
      binlogFile: c.binlogFile,
      binlogPos: c.binlogPos,
      ...(c.gtid !== undefined ? { gtid: c.gtid } : {}),
    },
  )
}
