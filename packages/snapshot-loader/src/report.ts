// What a finished snapshot publishes besides snapshot-end: per physical table and per
// logical target, rows and checksums, and where in the binlog the reads were taken, so
// ops-cli can compare them with the target (the seed compared DataX's count by hand).

import { combineChecksums } from './checksum.ts'
import type { SnapshotState } from './state-store.ts'

export interface TableReport {
  database: string
  table: string
  target: string
  topic: string
  rows: number
  chunks: number
  checksum?: string
  /** Position of the table's last chunk ("file:pos") and its GTID. */
  position?: string
  gtid?: string
}

export interface TargetReport {
  target: string
  topic: string
  rows: number
  tables: number
  checksum?: string
}

export interface SnapshotReport {
  snapshotId: string
  scope: string
  /** Position of the consistent read taken before the first chunk (where the stream must start, at the latest). */
  startPosition?: string
  startGtid?: string
  tables: TableReport[]
  targets: TargetReport[]
  /** This run continued saved progress. */
  resumed: boolean
  /** Rows sent by this run (a resumed run does not count earlier runs). */
  rowsThisRun: number
  durationMs: number
}

export function buildReport(
  state: SnapshotState,
  checksum: boolean,
  resumed: boolean,
  rowsThisRun: number,
  durationMs: number,
): SnapshotReport {
  const tables: TableReport[] = Object.values(state.tables).map((t) => ({
    database: t.database,
    table: t.table,
    target: t.target,
    topic: t.topic,
    rows: t.rows,
    chunks: t.chunks,
    ...(checksum ? { checksum: t.checksum ?? '0000000000000000' } : {}),
    ...(t.position === undefined ? {} : { position: t.position }),
    ...(t.gtid === undefined ? {} : { gtid: t.gtid }),
  }))
  const targets: TargetReport[] = Object.entries(state.topics).map(([topic, s]) => {
    const mine = tables.filter((t) => t.topic === topic)
    return {
      target: s.target,
      topic,
      rows: mine.reduce((n, t) => n + t.rows, 0),
      tables: mine.length,
      ...(checksum ? { checksum: combineChecksums(mine.map((t) => t.checksum ?? '0')) } : {}),
    }
  })
  return {
    snapshotId: state.snapshotId,
    scope: state.scope,
    ...(state.startPosition === undefined ? {} : { startPosition: state.startPosition }),
    ...(state.startGtid === undefined ? {} : { startGtid: state.startGtid }),
    tables,
    targets,
    resumed,
    rowsThisRun,
    durationMs,
  }
}
