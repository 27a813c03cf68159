// @sync/ops-kit: the operations checks behind ops-cli, as library calls that take plain
// connections and options and return data (no printing, no process.env, no exit codes).

/** Kafka Connect REST API client (list, status, create, update, pause, resume, restart, delete, tasks). */
export {
  type ConnectClient,
  type ConnectClientOptions,
  type ConnectorInfo,
  type ConnectorStatus,
  createConnectClient,
  isConnectorFailed,
  isFailedState,
  maskConfig,
  parseConnectorConfig,
  parseConnectorFile,
} from './connect-client.ts'
/** Any failure (mysql2, kafkajs, network, the packages' errors) as one line with a kind. */
export {
  describeFailure,
  type FailureDescription,
  type FailureKind,
  failureKinds,
} from './describe-failure.ts'
/** Preflight findings for MySQL, Kafka, StarRocks and the envelope key, each with a remedy. */
export {
  type DescribeFailure,
  type DoctorOptions,
  type DoctorVerdict,
  defaultDescribeFailure,
  doctorVerdict,
  type Finding,
  kafkaFindings,
  keyFindings,
  literalTopics,
  mysqlFindings,
  type StarRocksDoctorEndpoint,
  starRocksFindings,
} from './doctor-checks.ts'
export {
  isOpsKitError,
  OpsKitError,
  type OpsKitErrorCode,
  type OpsKitErrorOptions,
  opsKitErrorCodes,
} from './errors.ts'
/** The seed's newest-timestamp-per-table check with thresholds and verdicts. */
export {
  ageSeconds,
  checkFreshness,
  type FreshnessEntry,
  type FreshnessResult,
  type FreshnessThresholds,
  parseFreshnessFlag,
  parseFreshnessList,
  type Verdict,
  verdict,
} from './freshness.ts'
/** kafkajs clients with short timeouts, TLS and SASL. */
export {
  createKafkaClient,
  defaultKafkaClientOptions,
  type KafkaClientOptions,
  type KafkaSaslOptions,
  kafkaConfig,
  kafkaLabel,
  withKafkaAdmin,
} from './kafka-client.ts'
/** Consumer-group lag per topic and partition. */
export { groupLag, type PartitionLag } from './kafka-lag.ts'
/** snapshot-loader's sink over a kafkajs producer and admin. */
export { createKafkaSink, type SinkMessage } from './kafka-sink.ts'
export { type MysqlEndpoint, type MysqlTlsOptions, mysqlConnectionOptions } from './mysql-endpoint.ts'
/** Prometheus text format (0.0.4) samples. */
export { parsePrometheusText, type Sample } from './prom-text.ts'
/** Shipper lag from its /metrics and the limit check shared with group lag. */
export { isLagOverLimits, type LagLimits, lagSamples, readShipperLag } from './shipper-lag.ts'
/** Source shards against the StarRocks target: counts and key checksums. */
export {
  keyChecksum,
  normalizeKeyValue,
  type ShardResult,
  type VerifyRulesOptions,
  type VerifyTargetOptions,
  verifyRules,
  verifyTarget,
} from './verify.ts'
