// What a source does with each reader event, and where it would resume from.
//   begin                → nothing (a transaction's rows follow)
//   insert/update/delete → mapped, encoded, added to the open batch (or counted as skipped)
//   commit               → a boundary in the open batch: once acknowledged, its checkpoint is safe
//   ddl                  → logged and reported; new columns surface at the next row (matcher
//                          policy); the tables' binary columns are read again at their next row
//   reconnect            → the unfinished transaction is dropped: the reader sends it again

import type { BinlogPosition, ReaderEvent, StartPosition } from '@sync/binlog-reader'
import type { BinaryColumnCatalog } from './binary-columns.ts'
import type { ChangeBuilder } from './change-builder.ts'
import type { DeliveryLoop } from './delivery-loop.ts'
import type { SourceLogger, SourceRunnerReport } from './source-report.ts'

export interface EventHandlerOptions {
  builder: ChangeBuilder
  delivery: DeliveryLoop<BinlogPosition>
  log: SourceLogger
  report: SourceRunnerReport
  binaryColumns?: BinaryColumnCatalog
}

export interface EventHandler {
  /** The last commit pulled: a restarted reader resumes here without losing a row. */
  resumePoint(): BinlogPosition | undefined
  resetResume(start: StartPosition): void
  /** Throws when a row cannot be mapped; the event then counts as not handled. */
  handle(event: ReaderEvent): void
}

export function createEventHandler(o: EventHandlerOptions): EventHandler {
  const { delivery, log, report } = o
  let resume: BinlogPosition | undefined

  return {
    resumePoint: () => resume,
    resetResume(start) {
      if (start !== 'now' && 'file' in start) resume = { file: start.file, pos: start.pos }
    },
    handle(event) {
      switch (event.kind) {
        case 'insert':
        case 'update':
        case 'delete': {
          resume = event.position
          const built = o.builder.build(event)
          if (built.rule === undefined) {
            report.rowsSkipped?.(built.rows)
            return
          }
          report.rowsRead?.(built.rule, built.rows)
          delivery.add(built.messages)
          return
        }
        case 'commit':
          resume = event.checkpoint
          delivery.boundary({ position: event.checkpoint, timestamp: event.timestamp })
          return
        case 'begin':
          resume = event.position
          return
        case 'ddl':
          resume = event.position
          o.binaryColumns?.invalidate(event.tables, event.targetDatabase)
          report.ddl?.(event)
          log.info('ddl on a captured table', {
            ddl: event.ddl,
            object: event.object,
            tables: event.tables.map((t) => `${t.database}.${t.table}`),
            statement: event.statement.slice(0, 300),
          })
          return
        case 'reconnect':
          resume = event.position
          delivery.dropUncommitted()
          report.error?.(event.error.code, event.error)
          log.warn('binlog connection re-established; the unfinished transaction is read again', {
            code: event.error.code,
            attempt: event.attempt,
            from: event.position,
          })
          return
      }
    },
  }
}
