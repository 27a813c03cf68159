// The shipper process: configuration, signals, exit codes (0 clean stop, 1 runtime failure,
// 2 configuration error). The only place that calls process.exit.

import { createJsonLogger } from '@sync/service-kit'
import { startShipper } from './compose.ts'
import { loadConfig } from './config.ts'

const loaded = loadConfig(process.argv.slice(2), process.env, process.cwd())
if (!loaded.ok) {
  for (const line of loaded.errors) process.stderr.write(`shipper: ${line}\n`)
  process.exit(2)
}
const config = loaded.config
const log = createJsonLogger({ level: config.log.level, base: { app: 'shipper' }, secrets: config.secrets })

let shipper: Awaited<ReturnType<typeof startShipper>>
try {
  shipper = await startShipper(config, { log })
} catch (err) {
  const e = err as { code?: string; message?: string }
  log.error('shipper cannot start', { code: e.code, error: err })
  process.exit(e.code === 'SHIP_RULES' ? 2 : 1)
}

let stopping = false
const shutdown = async (signal: string) => {
  if (stopping) return
  stopping = true
  log.info('stopping: no more reading, delivering what is read, writing checkpoints', { signal })
  const clean = await shipper.stop()
  log.info(clean ? 'stopped cleanly' : 'stop deadline reached; unacknowledged rows will be read again', {})
  process.exit(clean ? 0 : 1)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGHUP', () => {
  log.info('SIGHUP: reloading rules', {})
  void shipper.reloadRules('SIGHUP')
})

const outcome = await shipper.done
if (!stopping) {
  log.error(outcome === 'failed' ? 'every source has failed; exiting' : 'all sources stopped', {})
  process.exit(outcome === 'failed' ? 1 : 0)
}
