// The sinker process: configuration (exit 2 on errors), signals, exit codes.
//   exit 0: stopped on SIGTERM/SIGINT; 1: runtime failure; 2: configuration error.
import { createJsonLogger } from '@sync/service-kit'
import { composeSinker } from './compose.ts'
import { loadConfig } from './config.ts'

const result = loadConfig(process.argv.slice(2), process.env)
if (!result.ok) {
  for (const e of result.errors) process.stderr.write(`config: ${e}\n`)
  process.exit(2)
}
const config = result.config
const logger = createJsonLogger({ level: config.logLevel, base: { app: 'sinker' }, secrets: config.secrets })

let app: Awaited<ReturnType<typeof composeSinker>> | undefined
let stopping = false

async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info('stopping', { signal, timeoutMs: config.shutdownTimeoutMs })
  // a hard deadline: whatever is still in flight is abandoned; its plan stays committed
  const hard = setTimeout(() => {
    logger.warn('shutdown deadline reached, exiting')
    process.exit(0)
  }, config.shutdownTimeoutMs + 1000)
  hard.unref()
  try {
    const r = await app?.stop(config.shutdownTimeoutMs)
    logger.info('stopped', { flushed: r?.flushed ?? true })
    process.exit(0)
  } catch (err) {
    logger.error('stop failed', { error: err })
    process.exit(1)
  }
}

process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

try {
  app = await composeSinker(config, { logger })
  await app.start()
  logger.info('sinker started', {
    groupId: config.kafka.groupId,
    topics: config.kafka.topics,
    target: config.target.kind,
    metricsPort: app.opsPort,
  })
  const watch = setInterval(() => {
    const err = app?.sinker.crashed
    if (err && !stopping) {
      logger.error('the consumer stopped for good', { error: err })
      process.exit(1)
    }
  }, 1000)
  watch.unref()
} catch (err) {
  logger.error('sinker failed to start', { error: err })
  process.exit(1)
}
