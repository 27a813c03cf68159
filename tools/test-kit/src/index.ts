export { readStackEnv, type StackEnv } from '@sync/stack'
export { registerCleanup } from './cleanup.ts'
export { cpuPerCall, plaintextsLike } from './cpu-cost.ts'
export {
  createTestGroupId,
  createTestKafka,
  createTestTopic,
  kafkaBrokers,
  kafkaMockControl,
  type PrivateKafkaMock,
  startPrivateKafkaMock,
} from './kafka.ts'
export { connectMysql, createTestDatabase, mysqlOptions, runSqlWorkload, type TestDatabase } from './mysql.ts'
export { uniqueName } from './names.ts'
export { probeStack, type StackProbe } from './probe.ts'
export { type StackCpu, stackCpu, stackCpuSince } from './stack-cpu.ts'
export { makeTlsFiles, startTlsListener, type TlsConnectionSeen, type TlsFiles } from './tls.ts'
export { type WaitForOptions, waitFor } from './wait.ts'
