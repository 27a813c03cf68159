export * from './compare.ts'
export * from './processes.ts'
export * from './scenario.ts'
