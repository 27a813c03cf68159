// Resume positions at transaction boundaries.
//
// zongji's own gtidSet folds a transaction only at Xid/COMMIT or at the next GTID event,
// so after a DDL it lags by one group; this tracker folds at every boundary the reader
// reports (commit or DDL), using zongji's GTID models, and pairs it with file/pos.

import { GtidSet, MariadbGtidPosition } from '@vlasky/zongji'
import type { BinlogPosition } from './events.ts'

type GtidModel = { add(gtid: unknown): void; toString(): string }

export interface PendingGtid {
  text: string
  mariadb?: { domainId: number; serverId: number; seqNo: number | string }
}

export class PositionTracker {
  private set: GtidModel | undefined
  private pending: PendingGtid | undefined
  committed: BinlogPosition

  constructor(start: BinlogPosition, isMariaDb: boolean) {
    this.committed = { ...start }
    if (start.gtid !== undefined) {
      this.set = (isMariaDb ? MariadbGtidPosition : GtidSet).parse(start.gtid) as unknown as GtidModel
    }
  }

  get currentGtid(): string | undefined {
    return this.pending?.text
  }

  beginGroup(gtid: PendingGtid): void {
    this.pending = gtid
  }

  /** A transaction (or DDL group) ended at `nextPos` of `file`: that is the new resume point. */
  commit(file: string, nextPos: number): BinlogPosition {
    if (this.pending && this.set) this.set.add(this.pending.mariadb ?? this.pending.text)
    this.pending = undefined
    const gtid = this.set?.toString()
    this.committed = gtid === undefined ? { file, pos: nextPos } : { file, pos: nextPos, gtid }
    return this.committed
  }
}
