// The loader against the real MariaDB, with a recording sink: chunks, control messages,
// counts and checksum, keys without a primary key, the refusal of keyless tables.
import { createHash } from 'node:crypto'
import { createChangeDecoder } from '@sync/change-message'
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { createSnapshotLoader, isSnapshotError } from '../../src/index.ts'
import { decodeBatchMessage, matcherFor, recordingSink, sourceConnection, testCipher } from './helpers.ts'

function decodeAll(sent: ReturnType<typeof recordingSink>['sent'], cipher: ReturnType<typeof testCipher>) {
  const decoder = createChangeDecoder({ cipher })
  return sent.map((m) => ({ topic: m.topic, ...decodeBatchMessage(decoder, cipher, { ...m, offset: '0' }) }))
}

describe('snapshot of every shard of a rule', () => {
  it('sends each chunk, then its chunk-done on every partition, and the counts at the end', async () => {
    const db = await createTestDatabase('snap_rule')
    await db.query('CREATE TABLE t_1 (id INT PRIMARY KEY, v VARCHAR(20), n INT)')
    await db.query('CREATE TABLE t_2 (id INT PRIMARY KEY, v VARCHAR(20), n INT)')
    await db.query('CREATE TABLE other (id INT PRIMARY KEY)')
    await db.query("INSERT INTO t_1 SELECT seq, CONCAT('a', seq), seq * 2 FROM seq_1_to_250")
    await db.query("INSERT INTO t_2 SELECT seq * 10, CONCAT('b', seq), NULL FROM seq_1_to_40")
    await db.query('INSERT INTO other VALUES (1)')
    const cipher = testCipher()
    const rec = recordingSink(3)
    const loader = createSnapshotLoader({
      connection: sourceConnection(),
      matcher: matcherFor(db.name, { tablePattern: 't_\\d+', batchTopic: 'all_{target}' }),
      sink: rec.sink,
      cipher,
      chunkRows: 100,
      sendBatchRows: 30,
      checksum: true,
    })
    const progress: number[] = []
    const report = await loader.run(
      { rule: 'r1', databases: [db.name] },
      { onProgress: (p) => progress.push(p.rows) },
    )
    const all = decodeAll(rec.sent, cipher)
    expect(new Set(all.map((m) => m.topic))).toEqual(new Set(['all_ods_t']))

    // begin first on each partition, end last
    for (const p of [0, 1, 2]) {
      const mine = all.filter((m) => m.partition === p)
      expect(mine[0]?.control?.type).toBe('snapshot-begin')
      expect(mine.at(-1)?.control?.type).toBe('snapshot-end')
    }
    const rows = all.filter((m) => m.row !== undefined)
    expect(rows).toHaveLength(290)
    // t_1: chunks of 100, 100, 50; t_2: one chunk of 40
    const dones = all
      .filter((m) => m.control?.type === 'chunk-done' && m.partition === 0)
      .map((m) => m.control)
    expect(dones.map((c) => c?.type === 'chunk-done' && [c.table, c.chunk, c.rows])).toEqual([
      [`${db.name}.t_1`, 1, 100],
      [`${db.name}.t_1`, 2, 100],
      [`${db.name}.t_1`, 3, 50],
      [`${db.name}.t_2`, 1, 40],
    ])
    // every row is sent before its chunk-done on its partition, and carries the chunk's position
    for (const [i, m] of all.entries()) {
      if (m.row === undefined) continue
      const chunk = Number(m.headers['sync-snapshot-chunk'])
      const done = all.findIndex(
        (d, j) =>
          j > i &&
          d.partition === m.partition &&
          d.control?.type === 'chunk-done' &&
          d.control.chunk === chunk &&
          d.control.table === `${m.headers['sync-db']}.${m.headers['sync-table']}`,
      )
      expect(done, `row ${m.key} precedes its chunk-done`).toBeGreaterThan(i)
      const c = all[done]?.control
      expect(m.headers['sync-snapshot-pos']).toBe(c?.type === 'chunk-done' ? c.position : '?')
      expect(`${m.headers['sync-binlog-file']}:${m.headers['sync-binlog-pos']}`).toBe(
        m.headers['sync-snapshot-pos'],
      )
      expect(m.headers['sync-kind']).toBe('snapshot')
      expect(m.headers['sync-snapshot-id']).toBe(report.snapshotId)
    }
    // rows mapped by the rule: table_name added, composed key
    const first = rows.find((m) => m.key === JSON.stringify({ id: 1, table_name: 't_1' }))
    expect(first?.row).toEqual({ id: 1, v: 'a1', n: 2, table_name: 't_1' })

    const end = all.find((m) => m.control?.type === 'snapshot-end')?.control
    expect(end?.type === 'snapshot-end' && end.counts).toEqual({
      [`${db.name}.t_1`]: 250,
      [`${db.name}.t_2`]: 40,
    })
    // checksum: sum of the first 8 bytes of SHA-1 of each row's JSON without __op, mod 2^64
    let sum = 0n
    for (const m of rows) {
      const json = m.plaintext.replace(/,"__op":0}$/, '}')
      sum = (sum + createHash('sha1').update(json).digest().readBigUInt64BE(0)) % 2n ** 64n
    }
    expect(end?.type === 'snapshot-end' && end.checksum).toBe(sum.toString(16).padStart(16, '0'))
    expect(report.targets).toEqual([
      {
        target: 'ods_t',
        topic: 'all_ods_t',
        rows: 290,
        tables: 2,
        checksum: sum.toString(16).padStart(16, '0'),
      },
    ])
    expect(progress.at(-1)).toBe(290)
  })
})

describe('chunk keys', () => {
  it('pages a composite primary key and a unique NOT NULL key without skipping or repeating', async () => {
    const db = await createTestDatabase('snap_keys')
    await db.query('CREATE TABLE t (a INT NOT NULL, b VARCHAR(10) NOT NULL, id INT, PRIMARY KEY (a, b))')
    await db.query("INSERT INTO t SELECT seq % 7, CONCAT('k', seq), seq FROM seq_1_to_300")
    const cipher = testCipher()
    for (const [ddl, compose] of [
      [null, false],
      ['ALTER TABLE t DROP PRIMARY KEY, ADD UNIQUE KEY u (b, a)', false],
    ] as const) {
      if (ddl) await db.query(ddl)
      const rec = recordingSink(2)
      const loader = createSnapshotLoader({
        connection: sourceConnection(),
        matcher: matcherFor(db.name, { compose }),
        sink: rec.sink,
        cipher,
        chunkRows: 17,
      })
      await loader.run({ table: { database: db.name, table: 't' } })
      const rows = decodeAll(rec.sent, cipher).filter((m) => m.row !== undefined)
      const ids = rows.map((m) => m.row?.id as number).sort((x, y) => x - y)
      expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
      // no key declared by the rule: the message key is the table's own key
      expect(Object.keys(JSON.parse(rows[0]?.key ?? '{}')).sort()).toEqual(['a', 'b'])
    }
  })

  it('refuses a table with neither a primary key nor a unique NOT NULL key (SNAP_NO_KEY)', async () => {
    const db = await createTestDatabase('snap_nokey')
    await db.query('CREATE TABLE t (id INT, v INT, UNIQUE KEY u (id))')
    await db.query('INSERT INTO t VALUES (1, 1)')
    const rec = recordingSink(1)
    const loader = createSnapshotLoader({
      connection: sourceConnection(),
      matcher: matcherFor(db.name),
      sink: rec.sink,
      cipher: testCipher(),
    })
    const err = await loader.run({ table: { database: db.name, table: 't' } }).catch((e: unknown) => e)
    expect(isSnapshotError(err) && err.code).toBe('SNAP_NO_KEY')
    expect(isSnapshotError(err) && err.retriable).toBe(false)
    expect(rec.sent.filter((m) => !m.headers['sync-control'])).toHaveLength(0)
  })
})
