export { readStackEnv, StackNotUpError } from './env.ts'
export {
  createKafkaMockControl,
  type KafkaMockControl,
  kafkaApiKeys,
  kafkaErrorCodes,
} from './kafka-control.ts'
export { findRepoRoot, stackDir } from './paths.ts'
export type { StackEnv } from './settings.ts'
export { stackDown, stackUp } from './stack.ts'
