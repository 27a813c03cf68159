// A snapshot interrupted by Ctrl-C (SIGINT to the process) and run again with the same
// command resumes from its state file: the second run reports `resumed`, sends only what the
// first did not finish, and the topic ends up holding every row.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import {
  createTestDatabase,
  createTestKafka,
  kafkaBrokers,
  kafkaMockControl,
  uniqueName,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { seedRuleDir } from '../helpers/rules.ts'
import { runOps } from '../helpers/run.ts'
import { sourceEnv } from '../helpers/stack.ts'

const KEY = 'bb'.repeat(32)
const ROWS = 6000

describe('snapshot resumed after an interruption', () => {
  it('stops on SIGINT with its state saved, and the rerun finishes the rest', async () => {
    const db = await createTestDatabase('snapint')
    await db.query('CREATE TABLE parts (id INT PRIMARY KEY, name VARCHAR(40))')
    for (let from = 1; from <= ROWS; from += 1000) {
      const values = Array.from({ length: 1000 }, (_, i) => `(${from + i}, 'part number ${from + i}')`)
      await db.query(`INSERT INTO parts VALUES ${values.join(', ')}`)
    }
    const stream = uniqueName('snapint')
    const batch = `${stream}_batch`
    await kafkaMockControl()?.createTopic(batch, 1, 1)
    const rules = seedRuleDir(
      { key: 'parts', topic: stream, regex: `${db.name}\\.parts`, columns: { id: 'id', name: 'name' } },
      'ops-snapint-',
    )
    const state = join(mkdtempSync(join(tmpdir(), 'ops-snapint-state-')), 'state.json')
    const args = [
      'snapshot',
      '--rules',
      rules,
      '--rule',
      'parts',
      '--database',
      db.name,
      '--chunk-rows',
      '20',
    ]
    const env = { ...sourceEnv(), SYNC_ENVELOPE_KEY: KEY, KAFKA_BROKERS: kafkaBrokers().join(',') }

    // first run: the real process, interrupted once the state file shows progress
    const child = spawn(
      process.execPath,
      ['--conditions=@sync/source', '--import', 'tsx', 'src/main.ts', ...args, '--state', state],
      { cwd: join(import.meta.dirname, '../..'), env: { PATH: process.env.PATH ?? '', ...env } },
    )
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const deadline = Date.now() + 60_000
    const savedRows = () => {
      try {
        const saved = JSON.parse(readFileSync(state, 'utf8')) as { tables: Record<string, { rows: number }> }
        return Object.values(saved.tables).reduce((n, t) => n + t.rows, 0)
      } catch {
        return 0 // not written yet, or caught mid-rename
      }
    }
    while (savedRows() === 0 && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10))
    expect(existsSync(state), stderr).toBe(true)
    expect(savedRows()).toBeGreaterThan(0)
    child.kill('SIGINT')
    const code = await exited
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/the snapshot was cancelled; it resumes from the last completed chunk/)
    expect(stderr).not.toContain(KEY)
    expect(stderr).not.toMatch(/\n\s+at /)

    // second run, same command: resumes and completes
    const again = await runOps([...args, '--state', state, '--json'], { env })
    expect(again.code, again.stderr).toBe(0)
    const report = again.json<{ resumed: boolean; rowsThisRun: number; tables: Array<{ rows: number }> }>()
    expect(report.resumed).toBe(true)
    expect(report.rowsThisRun).toBeGreaterThan(0)
    expect(report.rowsThisRun).toBeLessThan(ROWS)
    expect(report.tables[0]?.rows).toBe(ROWS)

    // every row is on the topic (a chunk in flight at the interruption may be there twice)
    const admin = createTestKafka().admin()
    await admin.connect()
    const high = (await admin.fetchTopicOffsets(batch)).reduce((s, p) => s + Number(p.high), 0)
    await admin.disconnect()
    const consumer = createTestKafka().consumer({ groupId: uniqueName('snapintcheck') })
    await consumer.connect()
    await consumer.subscribe({ topic: batch, fromBeginning: true })
    const cipher = createEnvelopeCipher({ key: KEY })
    const ids = new Set<number>()
    let seen = 0
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen += 1
          const row = JSON.parse(cipher.openToString(message.value!)) as { id?: number }
          if (row.id !== undefined) ids.add(row.id)
          if (seen >= high) resolve()
        },
      })
    }).finally(() => consumer.disconnect())
    expect(ids.size).toBe(ROWS)
  })
})
