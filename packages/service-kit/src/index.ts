export {
  type KafkaSaslMechanism,
  type KafkaSection,
  type KafkaSectionResult,
  type KafkaTlsField,
  type KafkaTlsFieldNames,
  type KafkaTlsSection,
  kafkaSaslMechanisms,
  kafkaSectionFields,
  kafkaTlsFields,
  kafkaTlsWarning,
  type ParseKafkaSectionOptions,
  parseKafkaSection,
  parseKafkaTls,
  type ResolvedKafkaTls,
  type ResolveKafkaTlsOptions,
  resolveKafkaTls,
  timeoutRangeMs,
} from './kafka-section.ts'
export {
  createJsonLogger,
  type JsonLoggerOptions,
  type Logger,
  type LogLevel,
  logLevels,
  silentLogger,
} from './logger.ts'
export { createMetricsRegistry, defaultLatencyBuckets, type Labels, type MetricsRegistry } from './metrics.ts'
export { createMetricsSink, type MetricsSink } from './metrics-sink.ts'
export { type HealthReport, type OpsServerOptions, startOpsServer } from './ops-server.ts'
export { isSecretRef, resolveSecret, SecretError, type SecretRef } from './secrets.ts'
export {
  createWorkerChannel,
  type WorkerChannel,
  type WorkerChannelOptions,
  type WorkerErrorReply,
  type WorkerReply,
  workerErrorReply,
} from './worker-channel.ts'
export { isSourceUrl, siblingModuleUrl, type WorkerEntry, workerEntry } from './worker-entry.ts'
