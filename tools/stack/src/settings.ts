import { join } from 'node:path'
import { stackDir } from './paths.ts'

/** Connection settings of the stack, as test helpers, benchmarks and the demo read them. */
export interface StackEnv {
  /** True when the services were started by this stack (fault injection available). */
  local: { mysql: boolean; kafka: boolean }
  mysql: { host: string; port: number; user: string; password: string; socket?: string }
  /** A least-privilege replication account, as a real deployment would use. */
  mysqlRepl: { user: string; password: string }
  kafka: { brokers: string[]; control?: { host: string; port: number } }
}

export interface StackPorts {
  mysqlPort: number
  kafkaControlPort: number
  kafkaBrokers: number
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name} must be a port number between 1 and 65535, received ${JSON.stringify(raw)}`)
  }
  return n
}

export function stackPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  return {
    mysqlPort: intFromEnv(env, 'SYNC_STACK_MYSQL_PORT', 3407),
    kafkaControlPort: intFromEnv(env, 'SYNC_STACK_KAFKA_CONTROL_PORT', 9699),
    kafkaBrokers: intFromEnv(env, 'SYNC_STACK_KAFKA_BROKERS', 3),
  }
}

/** Local-stack credentials. They guard a loopback-only throwaway server, never a real one. */
export const localCredentials = {
  admin: { user: 'sync_admin', password: 'sync-local-admin' },
  repl: { user: 'sync_repl', password: 'sync-local-repl' },
} as const

export function stackFiles(dir: string = stackDir()) {
  return {
    dir,
    envJson: join(dir, 'env.json'),
    envSh: join(dir, 'env.sh'),
    mysqlData: join(dir, 'mariadb', 'data'),
    mysqlCnf: join(dir, 'mariadb', 'my.cnf'),
    mysqlSocket: join(dir, 'mariadb', 'mysqld.sock'),
    mysqlPid: join(dir, 'mariadb', 'mysqld.pid'),
    mysqlLog: join(dir, 'mariadb', 'error.log'),
    kafkaBin: join(dir, 'kafka', 'kafka-mock'),
    kafkaPid: join(dir, 'kafka', 'kafka-mock.pid'),
    kafkaLog: join(dir, 'kafka', 'kafka-mock.log'),
    kafkaBootstraps: join(dir, 'kafka', 'bootstraps'),
  }
}
