export { combineChecksums, createRowChecksum, rowDigest } from './checksum.ts'
export { type ChunkKey, chunkQuery, findChunkKey, keysetCondition } from './chunk-key.ts'
export type { FoundTable, SnapshotScope } from './discover.ts'
export {
  isSnapshotError,
  SnapshotError,
  type SnapshotErrorCode,
  type SnapshotErrorContext,
  snapshotErrorCodes,
} from './errors.ts'
export { defaultSnapshotLoaderOptions, type SnapshotLoaderOptions } from './options.ts'
export { type PositionMode, positionModes, type SnapshotPosition } from './position.ts'
export type { SnapshotProgress } from './progress.ts'
export type { SnapshotReport, TableReport, TargetReport } from './report.ts'
export {
  batchTopicOf,
  createSnapshotLoader,
  type RunOptions,
  type SnapshotLoader,
} from './snapshot-loader.ts'
export {
  createFileStateStore,
  createMemoryStateStore,
  type SavedKeyValue,
  type SnapshotState,
  type SnapshotStateStore,
  type TableProgress,
  type TopicProgress,
} from './state-store.ts'
export type { Clock, ConnectionOptions, Logger, Metrics, SinkMessage, SnapshotSink } from './types.ts'
export { createWorkerSink, type WorkerSink, type WorkerSinkOptions } from './worker-sink.ts'
