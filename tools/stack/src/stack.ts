import { mkdirSync, rmSync } from 'node:fs'
import { debianNeeds, ensureDebianPackages } from './debian.ts'
import { externalServices, writeStackEnv } from './env.ts'
import { startKafkaMock, stopKafkaMock } from './kafka-mock.ts'
import { startMariadb, stopMariadb } from './mariadb.ts'
import { stackDir } from './paths.ts'
import { localCredentials, type StackEnv, stackFiles, stackPorts } from './settings.ts'

export interface StackOptions {
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
}

export interface StackPlan {
  /** Start a private MariaDB (false when MYSQL_HOST names a server). */
  startMysql: boolean
  /** Start the Kafka mock cluster (false when KAFKA_BROKERS names brokers). */
  startKafka: boolean
  /** Debian packages the services to start need. */
  packages: ReadonlyArray<{ pkg: string; probe: string }>
}

/** What "stack up" starts for this environment: only what it does not already name. */
export function planStack(env: NodeJS.ProcessEnv = process.env): StackPlan {
  const ext = externalServices(env)
  return {
    startMysql: !ext.mysql,
    startKafka: !ext.kafka,
    packages: [...(ext.mysql ? [] : debianNeeds.mariadb), ...(ext.kafka ? [] : debianNeeds.kafka)],
  }
}

/** Starts what the environment does not already provide. Idempotent. */
export async function stackUp(options: StackOptions = {}): Promise<StackEnv> {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => process.stderr.write(`stack: ${line}\n`))
  const dir = stackDir(env)
  const files = stackFiles(dir)
  const ports = stackPorts(env)
  const ext = externalServices(env)
  const plan = planStack(env)
  mkdirSync(files.dir, { recursive: true })
  ensureDebianPackages(plan.packages, log, env)

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
  writeStackEnv(stackEnv, dir)
  log(`settings written to ${files.envJson} (source ${files.envSh} for a shell)`)
  return stackEnv
}

/** Stops every process the stack started; with `purge`, removes its data too. */
export async function stackDown(options: StackOptions & { purge?: boolean } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`stack: ${line}\n`))
  // Only processes recorded in this stack's own pid files are stopped; services named by
  // MYSQL_HOST / KAFKA_BROKERS were never started here and have no pid file.
  const files = stackFiles(stackDir(options.env ?? process.env))
  await stopKafkaMock(files, log)
  await stopMariadb(files, log)
  rmSync(files.envJson, { force: true })
  rmSync(files.envSh, { force: true })
  if (options.purge) {
    rmSync(files.dir, { recursive: true, force: true })
    log(`removed ${files.dir}`)
  }
}
