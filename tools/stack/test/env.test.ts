import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { externalServices, readStackEnv, StackEnvError, StackNotUpError, writeStackEnv } from '../src/env.ts'
import type { StackEnv } from '../src/settings.ts'
import { planStack } from '../src/stack.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function emptyDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sync-stack-env-'))
  dirs.push(d)
  return d
}

const written: StackEnv = {
  local: { mysql: true, kafka: true },
  mysql: { host: '127.0.0.1', port: 3407, user: 'sync_admin', password: 'local-pw' },
  mysqlRepl: { user: 'sync_repl', password: 'repl-pw' },
  kafka: { brokers: ['127.0.0.1:1', '127.0.0.1:2'], control: { host: '127.0.0.1', port: 9699 } },
}

describe('externalServices', () => {
  it('names nothing when no variable is set', () => {
    expect(externalServices({})).toEqual({ mysql: undefined, mysqlRepl: undefined, kafka: undefined })
  })

  it('reads MYSQL_* with defaults, the replication account falling back to the main one', () => {
    const ext = externalServices({ MYSQL_HOST: 'db.example', MYSQL_USER: 'app', MYSQL_PASSWORD: 's3cret' })
    expect(ext.mysql).toEqual({ host: 'db.example', port: 3306, user: 'app', password: 's3cret' })
    expect(ext.mysqlRepl).toEqual({ user: 'app', password: 's3cret' })
    expect(ext.kafka).toBeUndefined()
  })

  it('reads KAFKA_BROKERS as a comma list', () => {
    expect(externalServices({ KAFKA_BROKERS: ' k1:9092, k2:9093 ,' }).kafka).toEqual({
      brokers: ['k1:9092', 'k2:9093'],
    })
  })

  it.each([
    [{ MYSQL_HOST: 'db', MYSQL_PORT: 'abc' }, 'MYSQL_PORT', /MYSQL_PORT must be a port number.*"abc"/],
    [{ MYSQL_HOST: 'db', MYSQL_PORT: '70000' }, 'MYSQL_PORT', /received "70000"/],
    [{ KAFKA_BROKERS: ' , ' }, 'KAFKA_BROKERS', /KAFKA_BROKERS names no broker/],
    [{ KAFKA_BROKERS: 'k1:9092,k2' }, 'KAFKA_BROKERS', /KAFKA_BROKERS must be host:port, received "k2"/],
  ])('rejects %j naming the variable', (env, variable, message) => {
    let caught: unknown
    try {
      externalServices(env)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(StackEnvError)
    expect((caught as StackEnvError).variable).toBe(variable)
    expect((caught as StackEnvError).message).toMatch(message)
  })
})

describe('planStack', () => {
  const pkgs = (env: NodeJS.ProcessEnv) => planStack(env).packages.map((p) => p.pkg)

  it('starts both services, and needs both sets of packages, when nothing is named', () => {
    expect(planStack({})).toMatchObject({ startMysql: true, startKafka: true })
    expect(pkgs({})).toEqual(['mariadb-server', 'mariadb-client', 'librdkafka-dev', 'gcc', 'kcat'])
  })

  it('starts only the mock cluster when MYSQL_HOST names a server', () => {
    expect(planStack({ MYSQL_HOST: 'db' })).toMatchObject({ startMysql: false, startKafka: true })
    expect(pkgs({ MYSQL_HOST: 'db' })).toEqual(['librdkafka-dev', 'gcc', 'kcat'])
  })

  it('starts only MariaDB when KAFKA_BROKERS names brokers', () => {
    expect(planStack({ KAFKA_BROKERS: 'k:9092' })).toMatchObject({ startMysql: true, startKafka: false })
    expect(pkgs({ KAFKA_BROKERS: 'k:9092' })).toEqual(['mariadb-server', 'mariadb-client'])
  })

  it('starts nothing and needs no package when both are named', () => {
    expect(planStack({ MYSQL_HOST: 'db', KAFKA_BROKERS: 'k:9092' })).toEqual({
      startMysql: false,
      startKafka: false,
      packages: [],
    })
  })
})

describe('readStackEnv', () => {
  it('fails naming the missing file and the command when the stack is not up', () => {
    const dir = emptyDir()
    expect(() => readStackEnv({ SYNC_STACK_DIR: dir })).toThrow(StackNotUpError)
    expect(() => readStackEnv({ SYNC_STACK_DIR: dir })).toThrow(/pnpm stack up/)
  })

  it('needs no stack when both services are named, and offers no mock control then', () => {
    const env = readStackEnv({ SYNC_STACK_DIR: emptyDir(), MYSQL_HOST: 'db', KAFKA_BROKERS: 'k:9092' })
    expect(env.local).toEqual({ mysql: false, kafka: false })
    expect(env.mysql.host).toBe('db')
    expect(env.kafka).toEqual({ brokers: ['k:9092'] })
  })

  it('keeps the mock control named beside the brokers (a sourced .stack/env.sh)', () => {
    const env = readStackEnv({
      SYNC_STACK_DIR: emptyDir(),
      MYSQL_HOST: 'db',
      KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
      KAFKA_MOCK_CONTROL: '127.0.0.1:9699',
    })
    expect(env.kafka).toEqual({
      brokers: ['127.0.0.1:1', '127.0.0.1:2'],
      control: { host: '127.0.0.1', port: 9699 },
    })
  })

  it('uses what "stack up" wrote for the services the environment does not name', () => {
    const dir = emptyDir()
    writeStackEnv(written, dir)
    const env = readStackEnv({ SYNC_STACK_DIR: dir, KAFKA_BROKERS: 'k:9092' })
    expect(env.local).toEqual({ mysql: true, kafka: false })
    expect(env.mysql).toEqual(written.mysql)
    expect(env.kafka).toEqual({ brokers: ['k:9092'] })
    expect(readStackEnv({ SYNC_STACK_DIR: dir })).toEqual(written)
  })
})
