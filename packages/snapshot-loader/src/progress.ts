/** What `onProgress` receives: enough for a progress bar with a rate and an ETA. */
export interface SnapshotProgress {
  snapshotId: string
  /** The physical table being read ("db.table"). */
  table: string
  target: string
  topic: string
  /** Rows sent and acknowledged in this snapshot, over every table (including earlier runs). */
  rows: number
  /** Rows of the current table. */
  tableRows: number
  /** Estimated rows of all tables (information_schema.TABLES.TABLE_ROWS: an estimate for InnoDB). */
  estimatedRows: number
  tablesDone: number
  tablesTotal: number
  /** Chunks completed of the current table. */
  chunks: number
  /** Rows per second in this run so far. */
  rowsPerSecond: number
  /** Seconds left at the current rate; undefined until there is a rate. */
  etaSeconds: number | undefined
  elapsedMs: number
}

export function rateAndEta(
  rowsThisRun: number,
  elapsedMs: number,
  rowsDone: number,
  estimatedRows: number,
): { rowsPerSecond: number; etaSeconds: number | undefined } {
  const rowsPerSecond = elapsedMs > 0 ? (rowsThisRun * 1000) / elapsedMs : 0
  if (rowsPerSecond <= 0) return { rowsPerSecond: 0, etaSeconds: undefined }
  const left = Math.max(0, estimatedRows - rowsDone)
  return { rowsPerSecond, etaSeconds: left / rowsPerSecond }
}
