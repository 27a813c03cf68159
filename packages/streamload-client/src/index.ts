export { bodyShape, type RawJson, rawJson, serializeRows } from './body.ts'
export { createStreamLoadClient, type LoadResult, type StreamLoadClient } from './client.ts'
export { buildColumnsHeader, buildJsonPaths, type ColumnsHeaderOptions } from './columns.ts'
export {
  isStreamLoadError,
  StreamLoadError,
  type StreamLoadErrorCode,
  StreamLoadErrorCodes,
  type StreamLoadErrorFields,
} from './errors.ts'
export type { LoadRequest } from './headers.ts'
export {
  type Clock,
  defaultStreamLoadClientOptions,
  type Logger,
  type Metrics,
  type RetryOptions,
  type StreamLoadClientOptions,
} from './options.ts'
