// @sync/sink-core: Kafka change messages → offset-range batches per partition, under
// deterministic labels (the plan of a batch kept in the offset-commit metadata), loaded into
// StarRocks (Stream Load) or MySQL with refused rows isolated to a dead-letter topic, and
// stream changes held behind snapshots of their table (catch-up, snapshot gate).

export type { StopReason } from './batch-flusher.ts'
export {
  type BatchPlan,
  decodeBatchPlan,
  decodeSnapshotProgress,
  encodeBatchPlan,
  encodeCommitMetadata,
} from './batch-plan.ts'
export { type Batch, type BatchEntry, type Batcher, type BatcherOptions, createBatcher } from './batcher.ts'
export { type CatchUp, type CatchUpOptions, createCatchUp } from './catch-up.ts'
export { deadLetterHeaders, deadLetterMessage } from './dead-letters.ts'
export {
  isProgrammerError,
  isRetriable,
  isSinkError,
  rootCode,
  SinkError,
  type SinkErrorCode,
  type SinkErrorContext,
  sinkErrorCodes,
} from './errors.ts'
export {
  batchLabel,
  type LabelParts,
  maxBaseLabelLength,
  sanitizeLabelPart,
  splitLabel,
  tableLabel,
} from './label.ts'
export {
  noopSinkMetrics,
  type SinkCounter,
  type SinkGauge,
  type SinkHistogram,
  type SinkLabels,
  type SinkMetrics,
} from './metrics.ts'
export { createMysqlTarget, type MysqlTargetOptions } from './mysql-target.ts'
export { type Isolated, loadIsolating, type RowRefusal } from './row-isolation.ts'
export { createSinker, type Sinker } from './sinker.ts'
export type { SinkerHealth } from './sinker-health.ts'
export { defaultSinkerOptions, type SinkerOptions, validateSinkerOptions } from './sinker-options.ts'
export { createSnapshotGate, type SnapshotGate } from './snapshot-gate.ts'
export { advanceProgress, maxProgressEntries, type SnapshotProgress } from './snapshot-progress.ts'
export { createStarRocksTarget, refusalMessage, type StarRocksTargetOptions } from './starrocks-target.ts'
export { createSchemaReader, type SchemaReader, type TableSchema } from './table-schema.ts'
export type {
  BufferedRow,
  DeadLetter,
  LoadOutcome,
  LoadTarget,
  SinkLogger,
  SourceMessage,
} from './types.ts'
