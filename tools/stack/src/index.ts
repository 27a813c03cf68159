export { externalServices, readStackEnv, StackEnvError, StackNotUpError } from './env.ts'
export {
  createKafkaMockControl,
  type KafkaMockControl,
  kafkaApiKeys,
  kafkaErrorCodes,
} from './kafka-control.ts'
export { startKafkaMock, stopKafkaMock } from './kafka-mock.ts'
export { findRepoRoot, stackDir } from './paths.ts'
export { StackSpawnError } from './process-util.ts'
export { type StackEnv, stackFiles } from './settings.ts'
export { planStack, type StackPlan, stackDown, stackUp } from './stack.ts'
