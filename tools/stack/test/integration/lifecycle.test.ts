// "stack up" twice is harmless, "stack down" leaves no process or port behind, and a taken
// port is reported with what to do. Runs a second, private stack beside the shared one.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { findRepoRoot } from '../../src/paths.ts'
import { checkPortFree, isAlive, readPid } from '../../src/process-util.ts'

const run = promisify(execFile)
const root = findRepoRoot()
const dir = mkdtempSync(join(tmpdir(), 'sync-stack-'))

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

const ports = { mysql: await freePort(), control: await freePort() }
const env = {
  ...process.env,
  SYNC_STACK_DIR: dir,
  SYNC_STACK_MYSQL_PORT: String(ports.mysql),
  SYNC_STACK_KAFKA_CONTROL_PORT: String(ports.control),
  SYNC_STACK_NO_INSTALL: '1',
  MYSQL_HOST: '',
  KAFKA_BROKERS: '',
}
delete (env as Record<string, string | undefined>).MYSQL_HOST
delete (env as Record<string, string | undefined>).KAFKA_BROKERS

function stack(...args: string[]) {
  return run('node', ['--import', 'tsx', join(root, 'tools/stack/src/cli.ts'), ...args], { env, cwd: root })
}

afterAll(async () => {
  await stack('down', '--purge').catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

describe('stack lifecycle', () => {
  it('comes up, comes up again harmlessly, and goes down leaving nothing running', async () => {
    await stack('up')
    const mysqlPid = readPid(join(dir, 'mariadb', 'mysqld.pid'))!
    const kafkaPid = readPid(join(dir, 'kafka', 'kafka-mock.pid'))!
    expect(isAlive(mysqlPid)).toBe(true)
    expect(isAlive(kafkaPid)).toBe(true)

    const second = await stack('up')
    expect(second.stderr).toMatch(/mariadb: already running/)
    expect(second.stderr).toMatch(/kafka: mock cluster already running/)
    expect(readPid(join(dir, 'mariadb', 'mysqld.pid'))).toBe(mysqlPid)
    expect(readPid(join(dir, 'kafka', 'kafka-mock.pid'))).toBe(kafkaPid)

    await stack('down')
    expect(isAlive(mysqlPid)).toBe(false)
    expect(isAlive(kafkaPid)).toBe(false)
    expect((await checkPortFree(ports.mysql)).free).toBe(true)
    expect((await checkPortFree(ports.control)).free).toBe(true)
    await expect(stack('status')).rejects.toMatchObject({ stdout: expect.stringMatching(/mariadb: stopped/) })
  })

  it('names the taken port and the setting that moves it', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((r) => squatter.listen(ports.mysql, '127.0.0.1', r))
    try {
      const err = await stack('up').then(
        () => undefined,
        (e: { stderr: string; code: number }) => e,
      )
      expect(err?.code).toBe(1)
      expect(err?.stderr).toContain(`port ${ports.mysql} on 127.0.0.1 is taken`)
      expect(err?.stderr).toContain('SYNC_STACK_MYSQL_PORT')
    } finally {
      await new Promise((r) => squatter.close(r))
      await stack('down').catch(() => undefined)
    }
  })
})
