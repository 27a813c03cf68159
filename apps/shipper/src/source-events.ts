// What a source does with each reader event, and where it would resume from.
//   begin            → nothing (a transaction's rows follow)
//   insert/update/delete → mapped, encoded, added to the open batch (or counted as skipped)
//   commit           → a boundary in the open batch: once acknowledged, its checkpoint is safe
//   ddl              → logged and counted; new columns surface at the next row (matcher policy);
//                      the tables' binary columns are read again at their next row
//   reconnect        → the unfinished transaction is dropped: the reader sends it again

import type { BinlogPosition, ReaderEvent, StartPosition } from '@sync/binlog-reader'
import type { BinaryColumnCatalog, ChangeBuilder, DeliveryLoop } from '@sync/delivery'
import type { Log, Metrics } from './shipper-metrics.ts'

export interface EventHandlerOptions {
  sourceId: string
  builder: ChangeBuilder
  delivery: DeliveryLoop<BinlogPosition>
  log: Log
  metrics: Metrics
  binaryColumns?: BinaryColumnCatalog
}

export class EventHandler {
  private resume: BinlogPosition | undefined
  private readonly labels: { source: string }

  constructor(private readonly o: EventHandlerOptions) {
    this.labels = { source: o.sourceId }
  }

  /** The last commit pulled: a restarted reader resumes here without losing a row. */
  resumePoint(): BinlogPosition | undefined {
    return this.resume
  }

  resetResume(start: StartPosition): void {
    if (start !== 'now' && 'file' in start) this.resume = { file: start.file, pos: start.pos }
  }

  /** Throws when a row cannot be mapped; the event then counts as not handled. */
  handle(event: ReaderEvent): void {
    const { delivery, metrics, log } = this.o
    switch (event.kind) {
      case 'insert':
      case 'update':
      case 'delete': {
        this.resume = event.position
        const built = this.o.builder.build(event)
        if (built.rule === undefined) {
          metrics.increment('shipper_rows_skipped', built.rows, {
            ...this.labels,
            rule: '',
            reason: 'no_rule',
          })
          return
        }
        metrics.increment('shipper_rows_read', built.rows, { ...this.labels, rule: built.rule })
        delivery.add(built.messages)
        return
      }
      case 'commit':
        this.resume = event.checkpoint
        delivery.boundary({ position: event.checkpoint, timestamp: event.timestamp })
        return
      case 'begin':
        this.resume = event.position
        return
      case 'ddl':
        this.resume = event.position
        // rows after it are re-encoded by the table's new definition
        this.o.binaryColumns?.invalidate(event.tables, event.targetDatabase)
        metrics.increment('shipper_ddl_events', 1, { ...this.labels, kind: event.ddl })
        log.info('ddl on a captured table', {
          ddl: event.ddl,
          object: event.object,
          tables: event.tables.map((t) => `${t.database}.${t.table}`),
          statement: event.statement.slice(0, 300),
        })
        return
      case 'reconnect':
        this.resume = event.position
        delivery.dropUncommitted()
        metrics.increment('shipper_errors', 1, { ...this.labels, code: event.error.code })
        log.warn('binlog connection re-established; the unfinished transaction is read again', {
          code: event.error.code,
          attempt: event.attempt,
          from: event.position,
        })
        return
    }
  }
}
