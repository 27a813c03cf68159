// @sync/warehouse-ddl: from a MySQL source's information_schema (and table-matcher rules) to
// what a StarRocks target needs: column types, the Primary Key CREATE TABLE, the sinker's
// table settings, the seed rule file and the legacy Kafka Connect / DataX files.

export {
  isWarehouseDdlError,
  WarehouseDdlError,
  type WarehouseDdlErrorCode,
  warehouseDdlErrorCodes,
} from './errors.ts'
/** Builds every file of one table or of every shard a rule set captures. */
export {
  type DdlOptions,
  ddlFile,
  defaultTableNames,
  type GenResult,
  generateForRules,
  generateForTable,
  type RulesGenOptions,
  type SinkerFragment,
  sinkerFile,
  sinkerFragment,
  type TableGenOptions,
} from './generate.ts'
/** information_schema readers (COLUMNS, KEY_COLUMN_USAGE, TABLES) over any mysql2-like connection. */
export {
  listTables,
  type PhysicalTable,
  primaryKey,
  readColumns,
  tableComment,
} from './information-schema.ts'
/** The seed generator's files, byte for byte: rule, Kafka Connect sinks, DataX job and shell line. */
export {
  batchConnector,
  dataxJob,
  dataxShell,
  type GeneratedFile,
  type LegacyColumn,
  type LegacyInput,
  seedPlaceholders,
  seedRuleFile,
  streamConnector,
} from './legacy-configs.ts'
/** Physical tables grouped by the rule that captures them. */
export { matchShards, type ShardFilter } from './shards.ts'
/** CREATE TABLE rendering (Primary Key model) and identifier / literal quoting. */
export {
  type CreateTableSpec,
  type DdlColumn,
  orderColumns,
  quoteIdent,
  renderCreateTable,
  stringLiteral,
} from './starrocks-ddl.ts'
/** One MySQL column → one StarRocks type (see the README's type-mapping table). */
export {
  type BinaryEncoding,
  type BinaryMapping,
  defaultTypeOptions,
  type MappedType,
  maxDecimalPrecision,
  maxVarcharBytes,
  renderedBinaryBytes,
  type SourceColumn,
  starRocksType,
  type Tinyint1Mapping,
  type TypeOptions,
  varcharFor,
} from './starrocks-types.ts'
/** Merges the shards of one logical table into one target schema (columns, key, warnings). */
export {
  buildTargetSchema,
  defaultBatchTopicSuffix,
  mapShard,
  type Shard,
  type TargetColumn,
  type TargetSchema,
  type TargetSchemaOptions,
} from './target-schema.ts'
