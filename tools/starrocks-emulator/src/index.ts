export type { TableSchema } from './catalog.ts'
export type { AppliedLoad, Flavour } from './context.ts'
export { parseCreateTable, type TableDef, toMariaDdl } from './ddl.ts'
export {
  type LoadCounters,
  type StarRocksEmulator,
  type StarRocksEmulatorOptions,
  startStarRocksEmulator,
} from './emulator.ts'
export { EmulatorError, type EmulatorErrorCode } from './errors.ts'
export type { Fault, FaultTarget } from './faults.ts'
export { JsonNumber, JsonObject, type JsonValue, parseJsonValue } from './json-text.ts'
export type { TxnState } from './labels.ts'
