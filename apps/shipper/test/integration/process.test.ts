// The shipper as a process: kill -9 at random points and restart loses nothing and keeps
// each key's order; SIGTERM stops cleanly within 10 s with a final checkpoint; SIGHUP
// reloads the rules; a bad configuration names the field and exits 2.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createTestDatabase, createTestTopic, readStackEnv, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { newKey, readTopics, type ShippedMessage, stackConfig, tempDir, writeRule } from './helpers.ts'
import { appDir, prng, spawnShipper, writeConfig } from './process-helpers.ts'

async function setUp(logLevel = 'warn') {
  const db = await createTestDatabase('ship_proc')
  const topic = await createTestTopic('items', 4)
  const rulesDir = await tempDir('rules')
  const checkpointDir = await tempDir('cp')
  const key = newKey()
  await writeRule(rulesDir, 'items.json', {
    key: `${db.name}.items`,
    topic,
    need_table: false,
    complete_regex: true,
    regex: '',
    column_mapping: { id: 'id', ver: 'ver', payload: 'payload' },
  })
  await db.query('CREATE TABLE items (id INT PRIMARY KEY, ver INT NOT NULL, payload VARCHAR(64))')
  const [status] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
  const config = stackConfig({ rulesDir, checkpointDir, key, extra: { log: { level: logLevel } } })
  ;(config.sources as Array<Record<string, unknown>>)[0]!.start = {
    file: status!.File,
    pos: Number(status!.Position),
  }
  const configPath = await writeConfig(checkpointDir, config)
  return { db, topic, key, configPath, checkpointDir }
}

/** Per key, in partition order: no version skipped (a replay may go back, never jump ahead). */
function checkOrder(messages: ShippedMessage[], finalVersions: Map<number, number>): void {
  const byKey = new Map<number, number[]>()
  const sorted = [...messages].sort(
    (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
  )
  for (const m of sorted) {
    const id = Number(m.change.row.id)
    const list = byKey.get(id) ?? []
    list.push(Number(m.change.row.ver))
    byKey.set(id, list)
  }
  for (const [id, final] of finalVersions) {
    const seen = byKey.get(id)
    expect(seen, `messages of id ${id}`).toBeDefined()
    let max = 0
    for (const v of seen!) {
      expect(v, `id ${id}: versions ${seen!.join(',')}`).toBeLessThanOrEqual(max + 1)
      max = Math.max(max, v)
    }
    expect(seen!.at(-1), `id ${id}: last of ${seen!.join(',')}`).toBe(final)
  }
}

describe('shipper process', () => {
  it.each([11, 29, 47])(
    'kill -9 at random points and restart: nothing lost, per-key order kept (seed %i)',
    async (seed) => {
      const { db, topic, key, configPath } = await setUp()
      const random = prng(seed)
      const versions = new Map<number, number>()
      let stop = false
      const workload = (async () => {
        let next = 1
        while (!stop) {
          if (versions.size < 20 || random() < 0.4) {
            const n = 1 + Math.floor(random() * 3)
            const values = Array.from({ length: n }, () => next++)
            await db.query(`INSERT INTO items VALUES ${values.map((v) => `(${v}, 1, 'p${v}')`).join(',')}`)
            for (const v of values) versions.set(v, 1)
          } else {
            const ids = [...versions.keys()]
            const id = ids[Math.floor(random() * ids.length)]!
            await db.query('UPDATE items SET ver = ver + 1 WHERE id = ?', [id])
            versions.set(id, versions.get(id)! + 1)
          }
          await new Promise((r) => setTimeout(r, random() * 8))
        }
      })()
      for (let round = 0; round < 3; round++) {
        const child = spawnShipper(['--config', configPath])
        await new Promise((r) => setTimeout(r, 1500 + random() * 1500))
        child.proc.kill('SIGKILL')
        const exit = await child.exited
        expect(exit.signal, child.output()).toBe('SIGKILL')
      }
      stop = true
      await workload
      const final = spawnShipper(['--config', configPath])
      try {
        const expectedFinal = new Map(versions)
        const messages = await readTopics(
          [topic],
          key,
          (ms) => {
            const last = new Map<number, number>()
            for (const m of ms)
              last.set(
                Number(m.change.row.id),
                Math.max(last.get(Number(m.change.row.id)) ?? 0, Number(m.change.row.ver)),
              )
            return [...expectedFinal].every(([id, v]) => last.get(id) === v)
          },
          60_000,
        )
        // the source agrees with what the test wrote
        const rows = await db.query<Array<{ id: number; ver: number }>>('SELECT id, ver FROM items')
        expect(new Map(rows.map((r) => [Number(r.id), Number(r.ver)]))).toEqual(expectedFinal)
        checkOrder(messages, expectedFinal)
      } finally {
        final.proc.kill('SIGTERM')
        await final.exited
      }
    },
  )

  it('stops on SIGTERM within 10 s with exit 0 and a final checkpoint', async () => {
    const { db, topic, key, configPath, checkpointDir } = await setUp('info')
    const child = spawnShipper(['--config', configPath])
    for (let i = 1; i <= 50; i++) await db.query('INSERT INTO items VALUES (?, 1, ?)', [i, `p${i}`])
    const messages = await readTopics([topic], key, (ms) => ms.length >= 50)
    const lastPos = Math.max(...messages.map((m) => Number(m.change.headers['sync-binlog-pos'])))
    const lastFile = messages[0]!.change.headers['sync-binlog-file']!
    const started = Date.now()
    child.proc.kill('SIGTERM')
    const exit = await child.exited
    const elapsed = Date.now() - started
    expect(exit.code, child.output()).toBe(0)
    expect(elapsed).toBeLessThan(10_000)
    const checkpoint = JSON.parse(await readFile(join(checkpointDir, 'src1.checkpoint.json'), 'utf8'))
    // the checkpoint is past the start of the last shipped transaction
    expect(checkpoint.file > lastFile || (checkpoint.file === lastFile && checkpoint.pos > lastPos)).toBe(
      true,
    )
    expect(child.output()).toContain('stopped cleanly')
    // JSON logs, one object per line, without the replication password
    const lines = child.output().trim().split('\n')
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(child.output()).not.toContain(readStackEnv().mysqlRepl.password)
  })

  it('reloads the rules on SIGHUP, with the directory watch off', async () => {
    const { db, topic, key, configPath, checkpointDir } = await setUp('info')
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>
    const path = await writeConfig(checkpointDir, { ...config, rules: { watch: false } }, 'sighup.json')
    const rulesDir = config.rulesDir as string
    const otherTopic = await createTestTopic('others', 2)
    await db.query('CREATE TABLE others (id INT PRIMARY KEY, v INT)')
    const child = spawnShipper(['--config', path])
    try {
      await db.query('INSERT INTO others VALUES (1, 1)') // no rule yet: read and skipped
      await db.query("INSERT INTO items VALUES (1, 1, 'after others 1')")
      await readTopics([topic], key, (ms) => ms.length >= 1) // so others' row 1 has been read
      await writeRule(rulesDir, 'others.json', {
        key: `${db.name}.others`,
        topic: otherTopic,
        need_table: false,
        complete_regex: true,
        regex: '',
        column_mapping: { id: 'id', v: 'v' },
      })
      await new Promise((r) => setTimeout(r, 500))
      expect(child.output()).not.toContain('rules reloaded') // nothing watches the directory
      child.proc.kill('SIGHUP')
      await waitFor(() => child.output().includes('"msg":"rules reloaded"'), { what: 'rules reloaded' })
      await db.query('INSERT INTO others VALUES (2, 2)')
      const shipped = await readTopics([otherTopic], key, (ms) => ms.length >= 1)
      await new Promise((r) => setTimeout(r, 300))
      expect(shipped.map((m) => m.change.row)).toEqual([{ id: 2, v: 2 }])
      const logged = child
        .output()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(logged).toContainEqual(expect.objectContaining({ msg: 'SIGHUP: reloading rules' }))
      expect(logged).toContainEqual(
        expect.objectContaining({ msg: 'rules reloaded', reason: 'SIGHUP', rules: 2 }),
      )
      expect(child.proc.exitCode).toBeNull() // still running: a reload is not a restart
    } finally {
      child.proc.kill('SIGTERM')
      await child.exited
    }
  })

  it('names the bad field and exits 2 on a bad configuration', async () => {
    const dir = await tempDir('badcfg')
    const config = stackConfig({ rulesDir: dir, checkpointDir: dir, key: newKey() })
    ;(config.sources as Array<Record<string, unknown>>)[0]!.serverId = 'x'
    ;(config.kafka as Record<string, unknown>).compression = 'zstd'
    const path = await writeConfig(dir, config)
    const child = spawnShipper(['--config', path])
    const exit = await child.exited
    expect(exit.code).toBe(2)
    expect(child.output()).toContain('sources[0].serverId must be an integer 2..4294967295, received "x"')
    expect(child.output()).toContain('kafka.compression must be one of "none", "gzip", received "zstd"')
    expect(child.output()).not.toContain('    at ') // no stack trace
  })

  it('explains which config is needed when started with none on the local stack', async () => {
    const child = spawnShipper([], { SHIPPER_CONFIG: '' }, appDir)
    const exit = await child.exited
    expect(exit.code).toBe(2)
    expect(child.output()).toContain('no configuration given')
    expect(child.output()).toContain('config.example.json')
  })
})
