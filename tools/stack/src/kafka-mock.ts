import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKafkaMockControl } from './kafka-control.ts'
import {
  checkPortFree,
  isAlive,
  readPid,
  resolveCommand,
  sleep,
  spawnDetached,
  stopByPidFile,
} from './process-util.ts'
import type { stackFiles } from './settings.ts'

type Files = ReturnType<typeof stackFiles>

const source = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'kafka-mock.c')

function buildLauncher(files: Files, log: (line: string) => void): void {
  if (existsSync(files.kafkaBin) && statSync(files.kafkaBin).mtimeMs >= statSync(source).mtimeMs) return
  log('kafka: building the mock cluster launcher')
  mkdirSync(dirname(files.kafkaBin), { recursive: true })
  const gcc = resolveCommand(
    'gcc',
    'install it with "sudo apt-get install -y gcc libc6-dev", or add the directory that holds it to PATH',
  )
  execFileSync(gcc, ['-O2', '-Wall', '-o', files.kafkaBin, source, '-lrdkafka'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

export async function kafkaRunning(files: Files, controlPort: number): Promise<string[] | undefined> {
  const pid = readPid(files.kafkaPid)
  if (pid === undefined || !isAlive(pid)) return undefined
  try {
    const reply = await createKafkaMockControl({ host: '127.0.0.1', port: controlPort }).send('bootstraps')
    return reply.split(',')
  } catch {
    return undefined
  }
}

export async function startKafkaMock(
  files: Files,
  opts: { controlPort: number; brokers: number },
  log: (line: string) => void,
): Promise<string[]> {
  const running = await kafkaRunning(files, opts.controlPort)
  if (running) {
    log(`kafka: mock cluster already running at ${running.join(',')}`)
    return running
  }
  await stopByPidFile(files.kafkaPid, 2_000)
  const port = await checkPortFree(opts.controlPort)
  if (!port.free) {
    throw Object.assign(
      new Error(
        `port ${opts.controlPort} on 127.0.0.1 is taken by ${port.holder}; stop it or choose another port with SYNC_STACK_KAFKA_CONTROL_PORT=<port>`,
      ),
      { code: 'STACK_PORT_TAKEN' },
    )
  }
  buildLauncher(files, log)
  rmSync(files.kafkaBootstraps, { force: true })
  const out = openSync(files.kafkaLog, 'a')
  const launcher = spawnDetached(
    files.kafkaBin,
    [String(opts.brokers), String(opts.controlPort), files.kafkaBootstraps],
    {
      remedy: `delete ${files.kafkaBin} and run "pnpm stack up" again to rebuild it`,
      stdio: ['ignore', out, out],
    },
  )
  writeFileSync(files.kafkaPid, `${launcher.child.pid}\n`)
  const started = Date.now()
  while (!existsSync(files.kafkaBootstraps)) {
    if (launcher.error) throw launcher.error
    if (launcher.child.exitCode !== null || Date.now() - started > 10_000) {
      throw new Error(`the Kafka mock cluster did not start; see ${files.kafkaLog}`)
    }
    await sleep(50)
  }
  const brokers = readFileSync(files.kafkaBootstraps, 'utf8').trim().split(',')
  log(`kafka: mock cluster with ${opts.brokers} brokers at ${brokers.join(',')}`)
  return brokers
}

export async function stopKafkaMock(files: Files, log: (line: string) => void): Promise<void> {
  if (await stopByPidFile(files.kafkaPid, 5_000)) log('kafka: stopped')
}
