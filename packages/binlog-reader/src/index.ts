export {
  BinlogError,
  type BinlogErrorCode,
  type BinlogErrorContext,
  binlogErrorCodes,
  isBinlogError,
} from './errors.ts'
export { type FindingSeverity, type PreflightFinding, type PreflightOptions, preflight } from './preflight.ts'
export type { DdlKind, TableRef } from './reader/ddl.ts'
export type {
  BeginEvent,
  BinlogPosition,
  CommitEvent,
  DdlEvent,
  DeleteEvent,
  InsertEvent,
  ReaderEvent,
  ReconnectEvent,
  RowEvent,
  StartPosition,
  UpdateEvent,
} from './reader/events.ts'
export type { BinlogReaderOptions, ReconnectOptions } from './reader/options.ts'
export { type BinlogReader, createBinlogReader, type ReaderState, type ReaderStats } from './reader/reader.ts'
export type { TableFilterCallback, TableFilterOption, TableIncludeMap } from './reader/table-filter.ts'
export * from './render/index.ts'
export type { Clock, ConnectionOptions, Logger, Metrics } from './types.ts'
