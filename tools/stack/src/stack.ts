import { mkdirSync, rmSync } from 'node:fs'
import { debianNeeds, ensureDebianPackages } from './debian.ts'
import { externalServices, writeStackEnv } from './env.ts'
import { startKafkaMock, stopKafkaMock } from './kafka-mock.ts'
import { startMariadb, stopMariadb } from './mariadb.ts'
import { localCredentials, type StackEnv, stackFiles, stackPorts } from './settings.ts'

export interface StackOptions {
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
}

/** Starts what the environment does not already provide. Idempotent. */
export async function stackUp(options: StackOptions = {}): Promise<StackEnv> {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => process.stderr.write(`stack: ${line}\n`))
  const files = stackFiles()
  const ports = stackPorts(env)
  const ext = externalServices(env)
  mkdirSync(files.dir, { recursive: true })
  ensureDebianPackages(
    [...(ext.mysql ? [] : debianNeeds.mariadb), ...(ext.kafka ? [] : debianNeeds.kafka)],
    log,
    env,
  )

  if (ext.mysql) log(`mariadb: using MYSQL_HOST=${ext.mysql.host}:${ext.mysql.port}`)
  else await startMariadb(files, ports.mysqlPort, log)

  let brokers: string[]
  if (ext.kafka) {
    brokers = ext.kafka.brokers
    log(`kafka: using KAFKA_BROKERS=${brokers.join(',')}`)
  } else {
    brokers = await startKafkaMock(
      files,
      { controlPort: ports.kafkaControlPort, brokers: ports.kafkaBrokers },
      log,
    )
  }

  const stackEnv: StackEnv = {
    local: { mysql: !ext.mysql, kafka: !ext.kafka },
    mysql: ext.mysql ?? {
      host: '127.0.0.1',
      port: ports.mysqlPort,
      user: localCredentials.admin.user,
      password: localCredentials.admin.password,
      socket: files.mysqlSocket,
    },
    mysqlRepl: ext.mysqlRepl ?? { ...localCredentials.repl },
    kafka: ext.kafka
      ? { brokers }
      : { brokers, control: { host: '127.0.0.1', port: ports.kafkaControlPort } },
  }
  writeStackEnv(stackEnv)
  log(`settings written to ${files.envJson} (source ${files.envSh} for a shell)`)
  return stackEnv
}

/** Stops every process the stack started; with `purge`, removes its data too. */
export async function stackDown(options: StackOptions & { purge?: boolean } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`stack: ${line}\n`))
  const files = stackFiles()
  await stopKafkaMock(files, log)
  await stopMariadb(files, log)
  rmSync(files.envJson, { force: true })
  rmSync(files.envSh, { force: true })
  if (options.purge) {
    rmSync(files.dir, { recursive: true, force: true })
    log(`removed ${files.dir}`)
  }
}
