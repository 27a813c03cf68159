import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { stackDir } from './paths.ts'
import { localCredentials, type StackEnv, stackFiles } from './settings.ts'

export class StackEnvError extends Error {
  readonly code = 'STACK_BAD_ENV'
  readonly retriable = false
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

function portFrom(variable: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new StackEnvError(
      variable,
      `${variable} must be a port number between 1 and 65535, received ${JSON.stringify(raw)}`,
    )
  }
  return n
}

function hostPort(variable: string, raw: string): { host: string; port: number } {
  const at = raw.lastIndexOf(':')
  const host = at > 0 ? raw.slice(0, at) : ''
  if (!host)
    throw new StackEnvError(variable, `${variable} must be host:port, received ${JSON.stringify(raw)}`)
  return { host, port: portFrom(variable, raw.slice(at + 1) || 'missing', 0) }
}

/**
 * Services named by the environment; the stack starts none of its own for these.
 * MYSQL_HOST names a MySQL/MariaDB (with MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD and the
 * replication account MYSQL_REPL_USER / MYSQL_REPL_PASSWORD); KAFKA_BROKERS a Kafka.
 */
export function externalServices(env: NodeJS.ProcessEnv = process.env) {
  const mysql = env.MYSQL_HOST
    ? {
        host: env.MYSQL_HOST,
        port: portFrom('MYSQL_PORT', env.MYSQL_PORT, 3306),
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
  if (kafka) {
    if (kafka.brokers.length === 0) {
      throw new StackEnvError(
        'KAFKA_BROKERS',
        `KAFKA_BROKERS names no broker, received ${JSON.stringify(env.KAFKA_BROKERS)}`,
      )
    }
    for (const b of kafka.brokers) hostPort('KAFKA_BROKERS', b)
  }
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
  const files = stackFiles(stackDir(env))
  let written: StackEnv | undefined
  if (existsSync(files.envJson)) written = JSON.parse(readFileSync(files.envJson, 'utf8')) as StackEnv
  if ((!ext.mysql || !ext.kafka) && !written) throw new StackNotUpError(files.envJson)
  const control = env.KAFKA_MOCK_CONTROL
    ? hostPort('KAFKA_MOCK_CONTROL', env.KAFKA_MOCK_CONTROL)
    : written?.kafka.control
  return {
    local: { mysql: !ext.mysql && !!written?.local.mysql, kafka: !ext.kafka && !!written?.local.kafka },
    mysql: ext.mysql ?? written!.mysql,
    mysqlRepl: ext.mysqlRepl ?? written?.mysqlRepl ?? { ...localCredentials.repl },
    // a named Kafka gets a mock control only when KAFKA_MOCK_CONTROL names one too (as a
    // sourced .stack/env.sh does: the stack's own mock, reached through the environment)
    kafka: ext.kafka
      ? { brokers: ext.kafka.brokers, ...(env.KAFKA_MOCK_CONTROL && control ? { control } : {}) }
      : { brokers: written!.kafka.brokers, ...(control ? { control } : {}) },
  }
}
