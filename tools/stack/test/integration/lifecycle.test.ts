// "stack up" twice is harmless, "stack down" leaves no process or port behind, an installed
// MariaDB starts in under 15 s, a taken port is reported with what to do, and services named
// by the environment are used instead of started.
//
// Runs private stacks beside the shared one: every command gets its own SYNC_STACK_DIR and
// free ports, and stack() refuses to run with the shared stack's directory or ports, so
// "up", "down" and "--purge" here can never reach the stack other tests are using.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { readStackEnv } from '../../src/env.ts'
import { startMariadb, stopMariadb } from '../../src/mariadb.ts'
import { findRepoRoot, stackDir } from '../../src/paths.ts'
import { checkPortFree, isAlive, readPid } from '../../src/process-util.ts'
import { type StackEnv, stackFiles, stackPorts } from '../../src/settings.ts'

const run = promisify(execFile)
const root = findRepoRoot()
const sharedDir = stackDir(process.env)
const shared = stackPorts(process.env)
const dir = mkdtempSync(join(tmpdir(), 'sync-stack-'))
const externalDir = mkdtempSync(join(tmpdir(), 'sync-stack-ext-'))

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

const ports = { mysql: await freePort(), control: await freePort() }
const privateEnv: NodeJS.ProcessEnv = {
  ...process.env,
  SYNC_STACK_DIR: dir,
  SYNC_STACK_MYSQL_PORT: String(ports.mysql),
  SYNC_STACK_KAFKA_CONTROL_PORT: String(ports.control),
  SYNC_STACK_NO_INSTALL: '1',
}
// the private stack starts its own services: nothing named by the environment
for (const name of Object.keys(privateEnv)) {
  if (/^(MYSQL_|KAFKA_BROKERS$|KAFKA_MOCK_CONTROL$)/.test(name)) delete privateEnv[name]
}

/** Runs the stack CLI; refuses any environment that would address the shared stack. */
function stack(env: NodeJS.ProcessEnv, ...args: string[]) {
  const target = resolve(env.SYNC_STACK_DIR ?? '')
  const p = stackPorts(env)
  if (!env.SYNC_STACK_DIR || target === sharedDir || target === join(root, '.stack')) {
    throw new Error(`refusing to run "stack ${args.join(' ')}" on the shared stack directory ${target}`)
  }
  if (p.mysqlPort === shared.mysqlPort || p.kafkaControlPort === shared.kafkaControlPort) {
    throw new Error(`refusing to run "stack ${args.join(' ')}" on the shared stack's ports`)
  }
  return run('node', ['--import', 'tsx', join(root, 'tools/stack/src/cli.ts'), ...args], { env, cwd: root })
}

function failure(p: Promise<unknown>) {
  return p.then(
    () => undefined,
    (e: { stderr: string; stdout: string; code: number }) => e,
  )
}

afterAll(async () => {
  await stack(privateEnv, 'down', '--purge').catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
  rmSync(externalDir, { recursive: true, force: true })
})

describe('stack lifecycle', () => {
  it('comes up, comes up again harmlessly, and goes down leaving nothing running', async () => {
    await stack(privateEnv, 'up')
    const mysqlPid = readPid(join(dir, 'mariadb', 'mysqld.pid'))!
    const kafkaPid = readPid(join(dir, 'kafka', 'kafka-mock.pid'))!
    expect(isAlive(mysqlPid)).toBe(true)
    expect(isAlive(kafkaPid)).toBe(true)

    const second = await stack(privateEnv, 'up')
    expect(second.stderr).toMatch(/mariadb: already running/)
    expect(second.stderr).toMatch(/kafka: mock cluster already running/)
    expect(readPid(join(dir, 'mariadb', 'mysqld.pid'))).toBe(mysqlPid)
    expect(readPid(join(dir, 'kafka', 'kafka-mock.pid'))).toBe(kafkaPid)
    const brokers = (JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as StackEnv).kafka.brokers
    expect(brokers).toHaveLength(3)

    await stack(privateEnv, 'down')
    expect(isAlive(mysqlPid)).toBe(false)
    expect(isAlive(kafkaPid)).toBe(false)
    expect((await checkPortFree(ports.mysql)).free).toBe(true)
    expect((await checkPortFree(ports.control)).free).toBe(true)
    for (const b of brokers) expect((await checkPortFree(Number(b.split(':')[1]))).free).toBe(true)
    const status = await failure(stack(privateEnv, 'status'))
    expect(status?.stdout).toMatch(/mariadb: stopped/)
    expect(status?.stdout).toMatch(/kafka: +stopped/)
  })

  it('starts an installed MariaDB in under 15 s', async () => {
    // the data directory the first test initialised, as after any earlier "stack up"
    const files = stackFiles(dir)
    expect(existsSync(join(files.mysqlData, 'mysql'))).toBe(true)
    const started = performance.now()
    await startMariadb(files, ports.mysql, () => undefined)
    const seconds = (performance.now() - started) / 1000
    try {
      expect(seconds).toBeLessThan(15)
      const conn = await mysql.createConnection({
        host: '127.0.0.1',
        port: ports.mysql,
        user: 'sync_admin',
        password: 'sync-local-admin',
      })
      try {
        const [rows] = await conn.query("SELECT IF(@@log_bin, 'ON', 'OFF') AS logBin")
        expect(rows).toEqual([{ logBin: 'ON' }])
      } finally {
        await conn.end()
      }
    } finally {
      await stopMariadb(files, () => undefined)
    }
  })

  it('names the taken port and the setting that moves it', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((r) => squatter.listen(ports.mysql, '127.0.0.1', r))
    try {
      const err = await failure(stack(privateEnv, 'up'))
      expect(err?.code).toBe(1)
      expect(err?.stderr).toContain(`port ${ports.mysql} on 127.0.0.1 is taken`)
      expect(err?.stderr).toContain('SYNC_STACK_MYSQL_PORT')
    } finally {
      await new Promise((r) => squatter.close(r))
      await stack(privateEnv, 'down').catch(() => undefined)
    }
  })

  it('names the taken Kafka control port and the setting that moves it', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((r) => squatter.listen(ports.control, '127.0.0.1', r))
    try {
      const err = await failure(stack(privateEnv, 'up'))
      expect(err?.code).toBe(1)
      expect(err?.stderr).toContain(`port ${ports.control} on 127.0.0.1 is taken`)
      expect(err?.stderr).toContain('SYNC_STACK_KAFKA_CONTROL_PORT')
      // no mock cluster was left half-started
      const pid = readPid(join(dir, 'kafka', 'kafka-mock.pid'))
      expect(pid === undefined || !isAlive(pid)).toBe(true)
    } finally {
      await new Promise((r) => squatter.close(r))
      await stack(privateEnv, 'down').catch(() => undefined)
    }
  })

  it('starts nothing of its own when MYSQL_* and KAFKA_BROKERS name services, and runs against them', async () => {
    // the shared stack's services play the real ones: they are running and reachable
    const real = readStackEnv(process.env)
    const externalEnv: NodeJS.ProcessEnv = {
      ...privateEnv,
      SYNC_STACK_DIR: externalDir,
      MYSQL_HOST: real.mysql.host,
      MYSQL_PORT: String(real.mysql.port),
      MYSQL_USER: real.mysql.user,
      MYSQL_PASSWORD: real.mysql.password,
      MYSQL_REPL_USER: real.mysqlRepl.user,
      MYSQL_REPL_PASSWORD: real.mysqlRepl.password,
      KAFKA_BROKERS: real.kafka.brokers.join(','),
    }
    const sharedPids = [readPid(stackFiles(sharedDir).mysqlPid), readPid(stackFiles(sharedDir).kafkaPid)]

    const up = await stack(externalEnv, 'up')
    expect(up.stderr).toContain(`mariadb: using MYSQL_HOST=${real.mysql.host}:${real.mysql.port}`)
    expect(up.stderr).toContain(`kafka: using KAFKA_BROKERS=${real.kafka.brokers.join(',')}`)
    expect(up.stderr).not.toContain(real.mysql.password)
    // nothing started: no data directory, no launcher, no pid file, no private port bound
    expect(existsSync(join(externalDir, 'mariadb'))).toBe(false)
    expect(existsSync(join(externalDir, 'kafka'))).toBe(false)
    expect((await checkPortFree(ports.mysql)).free).toBe(true)
    expect((await checkPortFree(ports.control)).free).toBe(true)

    // what the helpers read points at the named services, with no mock control channel
    const settings = readStackEnv(externalEnv)
    expect(settings.local).toEqual({ mysql: false, kafka: false })
    expect(settings.mysql).toMatchObject({
      host: real.mysql.host,
      port: real.mysql.port,
      user: real.mysql.user,
    })
    expect(settings.kafka).toEqual({ brokers: real.kafka.brokers })
    const { host, port, user, password } = settings.mysql
    const conn = await mysql.createConnection({ host, port, user, password })
    try {
      const [rows] = await conn.query("SELECT IF(@@log_bin, 'ON', 'OFF') AS logBin")
      expect(rows).toEqual([{ logBin: 'ON' }])
    } finally {
      await conn.end()
    }
    const admin = new Kafka({ brokers: settings.kafka.brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(real.kafka.brokers.length)
    } finally {
      await admin.disconnect()
    }

    const status = await stack(externalEnv, 'status')
    expect(status.stdout).toContain(`mariadb: external, MYSQL_HOST=${real.mysql.host}:${real.mysql.port}`)
    // "down" stops only what this stack started: the named services keep running
    await stack(externalEnv, 'down')
    for (const pid of sharedPids) if (pid !== undefined) expect(isAlive(pid)).toBe(true)
  })
})
