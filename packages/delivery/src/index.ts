// @sync/delivery: binlog row events → encrypted Kafka messages (change builder), delivered
// in source order with one batch in flight (delivery loop) through a kafkajs sender, and
// checkpoints of acknowledged transaction ends (checkpoint writer over a file or Kafka store);
// the source runner puts them together for one binlog source.

export {
  type BinaryColumnCatalog,
  type BinaryColumnCatalogOptions,
  type BinaryColumnLookup,
  createBinaryColumnCatalog,
} from './binary-columns.ts'
export {
  type BuiltEvent,
  type ChangeBuilder,
  type ChangeBuilderOptions,
  createChangeBuilder,
} from './change-builder.ts'
export {
  type Checkpoint,
  type CheckpointStore,
  createFileCheckpointStore,
  parseCheckpoint,
} from './checkpoint-store.ts'
export {
  type CheckpointWriter,
  type CheckpointWriterOptions,
  createCheckpointWriter,
} from './checkpoint-writer.ts'
export {
  type Boundary,
  createDeliveryLoop,
  type DeliveredBatch,
  type DeliveryLoop,
  type DeliveryLoopOptions,
  type OutMessage,
} from './delivery-loop.ts'
export {
  DeliveryError,
  type DeliveryErrorCode,
  type DeliveryErrorContext,
  deliveryErrorCodes,
  isDeliveryError,
} from './errors.ts'
export {
  type ClosableCheckpointStore,
  createKafkaCheckpointStore,
  type KafkaCheckpointStoreOptions,
} from './kafka-checkpoint-store.ts'
export {
  createKafkaProducer,
  type KafkaProducer,
  kafkaClientConfig,
  type TopicBatch,
  type WireMessage,
} from './kafka-producer.ts'
export {
  createKafkaSender,
  groupByTopic,
  type KafkaHealth,
  type KafkaSender,
  type KafkaSenderOptions,
} from './kafka-sender.ts'
export type { KafkaSettings } from './kafka-settings.ts'
export { createEventHandler, type EventHandler, type EventHandlerOptions } from './source-events.ts'
export type { SourceLogger, SourceRunnerReport, SourceState } from './source-report.ts'
export {
  type Backoff,
  createSourceRunner,
  defaultStartRetry,
  type SourceReader,
  type SourceRunner,
  type SourceRunnerOptions,
} from './source-runner.ts'
export { listSourceTables, type SourceTable, systemSchemas } from './source-tables.ts'
