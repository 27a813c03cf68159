// Entry point: argv and signals in, exit code out. The only process.exit of the app.
import { runCli } from './cli/run-cli.ts'
import { commands } from './commands/index.ts'
import { processContext } from './context.ts'

const abort = new AbortController()
let interrupted = 0
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted += 1
    // first signal: let the command stop cleanly (a snapshot saves its position); second: now
    if (interrupted > 1) process.exit(130)
    abort.abort(new Error(`interrupted by ${signal}`))
  })
}
// a closed pipe (`sync-ops ... | head`) is not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
})

// `pnpm start -- <command>` passes the `--` through
const argv = process.argv.slice(2)
if (argv[0] === '--') argv.shift()
const code = await runCli(argv, commands, processContext(abort.signal))
process.stdout.write('', () => process.exit(code))
