import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { localCredentials, type StackEnv, stackFiles } from './settings.ts'

/** Services named by the environment; the stack starts none of its own for these. */
export function externalServices(env: NodeJS.ProcessEnv = process.env) {
  const mysql = env.MYSQL_HOST
    ? {
        host: env.MYSQL_HOST,
        port: Number(env.MYSQL_PORT ?? 3306),
        user: env.MYSQL_USER ?? 'root',
        password: env.MYSQL_PASSWORD ?? '',
      }
    : undefined
  const mysqlRepl = env.MYSQL_HOST
    ? { user: env.MYSQL_REPL_USER ?? mysql!.user, password: env.MYSQL_REPL_PASSWORD ?? mysql!.password }
    : undefined
  const kafka = env.KAFKA_BROKERS
    ? {
        brokers: env.KAFKA_BROKERS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      }
    : undefined
  return { mysql, mysqlRepl, kafka }
}

export function writeStackEnv(env: StackEnv, dir?: string): void {
  const files = stackFiles(dir)
  writeFileSync(files.envJson, JSON.stringify(env, null, 2) + '\n', { mode: 0o600 })
  const sh = [
    `export MYSQL_HOST=${env.mysql.host}`,
    `export MYSQL_PORT=${env.mysql.port}`,
    `export MYSQL_USER=${env.mysql.user}`,
    `export MYSQL_PASSWORD='${env.mysql.password}'`,
    `export MYSQL_REPL_USER=${env.mysqlRepl.user}`,
    `export MYSQL_REPL_PASSWORD='${env.mysqlRepl.password}'`,
    `export KAFKA_BROKERS=${env.kafka.brokers.join(',')}`,
    env.kafka.control ? `export KAFKA_MOCK_CONTROL=${env.kafka.control.host}:${env.kafka.control.port}` : '',
  ]
  writeFileSync(files.envSh, sh.filter(Boolean).join('\n') + '\n', { mode: 0o600 })
}

export class StackNotUpError extends Error {
  readonly code = 'STACK_NOT_UP'
  constructor(file: string) {
    super(`the local stack is not up (no ${file}): run "pnpm stack up", or set MYSQL_HOST and KAFKA_BROKERS`)
  }
}

/**
 * The settings every test, benchmark and the demo connect with: the environment's real
 * services where named, else what "stack up" wrote.
 */
export function readStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const ext = externalServices(env)
  const files = stackFiles()
  let written: StackEnv | undefined
  if (existsSync(files.envJson)) written = JSON.parse(readFileSync(files.envJson, 'utf8')) as StackEnv
  if ((!ext.mysql || !ext.kafka) && !written) throw new StackNotUpError(files.envJson)
  const control = env.KAFKA_MOCK_CONTROL
    ? { host: env.KAFKA_MOCK_CONTROL.split(':')[0]!, port: Number(env.KAFKA_MOCK_CONTROL.split(':')[1]) }
    : written?.kafka.control
  return {
    local: { mysql: !ext.mysql && !!written?.local.mysql, kafka: !ext.kafka && !!written?.local.kafka },
    mysql: ext.mysql ?? written!.mysql,
    mysqlRepl: ext.mysqlRepl ?? written?.mysqlRepl ?? { ...localCredentials.repl },
    kafka: ext.kafka
      ? { brokers: ext.kafka.brokers }
      : { brokers: written!.kafka.brokers, ...(control ? { control } : {}) },
  }
}
