// A rule's binary encoding holds on the stream as it does in the snapshot: the binlog
// reader renders every binary value as base64, and the stream used to ship that even for
// rules asking for hex or utf8, so the same row arrived one way from the snapshot and
// another from the binlog. The expected values are the server's own HEX() and TO_BASE64().

import { createJsonLogger } from '@sync/service-kit'
import { createTestDatabase, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { startShipper } from '../../src/compose.ts'
import { parseConfig } from '../../src/config.ts'
import { newKey, readTopics, stackConfig, tempDir, writeRule } from './helpers.ts'

const columnsDdl =
  '(id INT PRIMARY KEY, b4 BINARY(4), vb VARBINARY(16), bl BLOB, cb CHAR(3) CHARACTER SET binary, note VARCHAR(10))'
const rows = [
  "(1, X'00ff', X'0001020380fe', X'deadbeef00', X'414200', 'plain')",
  "(2, NULL, '', X'', NULL, NULL)",
  "(3, 'abcd', 'text-like', REPEAT(X'9c', 70), 'xyz', 'é')",
]
const binaryColumns = ['b4', 'vb', 'bl', 'cb']

describe('per-rule binary encoding on the stream', () => {
  it("ships hex for a hex rule and base64 for a default rule, equal to the server's HEX() and TO_BASE64()", async () => {
    const db = await createTestDatabase('ship_binary')
    const topic = await createTestTopic('binary', 2)
    const rulesDir = await tempDir('rules')
    const key = newKey()
    const rule = (name: string, table: string, binary?: string) => ({
      version: 2,
      name,
      match: { tables: `${db.name}.${table}` },
      target: { table, topic },
      table_name_column: true,
      ...(binary ? { binary } : {}),
    })
    await writeRule(rulesDir, 'hex.json', rule('blobs_hex', 'hexed', 'hex'))
    await writeRule(rulesDir, 'default.json', rule('blobs_b64', 'plain'))
    await db.query(`CREATE TABLE hexed ${columnsDdl}`)
    await db.query(`CREATE TABLE plain ${columnsDdl}`)
    const parsed = parseConfig(stackConfig({ rulesDir, checkpointDir: await tempDir('cp'), key }), {}, '/')
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const shipper = await startShipper(parsed.config, {
      log: createJsonLogger({ level: 'warn', write: () => {} }),
    })
    registerCleanup(() => shipper.stop(5000).then(() => undefined))
    await waitFor(() => shipper.health().checks['source:src1']?.ok, {
      what: 'source running',
      timeoutMs: 20_000,
    })

    for (const t of ['hexed', 'plain']) await db.query(`INSERT INTO ${t} VALUES ${rows.join(', ')}`)
    await db.query("UPDATE hexed SET vb = X'ff00ff' WHERE id = 1")
    // the table's columns are read when its first row is met; the ALTER below must come after
    // (a row older than a not yet read ALTER is re-encoded by the newer definition)
    await readTopics([topic], key, (m) => m.length >= 7)
    // a column that becomes binary: rows after the ALTER are read by the new definition
    await db.query('ALTER TABLE hexed MODIFY note VARBINARY(10)')
    await db.query("INSERT INTO hexed VALUES (4, X'01', X'02', X'03', X'040506', X'c3a9ff')")

    const messages = await readTopics([topic], key, (m) => m.length >= 8)
    const payload = (table: string, id: number) =>
      messages
        .map((m) => JSON.parse(m.plaintext) as Record<string, unknown>)
        .filter((p) => p.table_name === table && p.id === id)
        .at(-1)

    const hexSql = [...binaryColumns, 'note'].map((c) => `LOWER(HEX(${c})) AS ${c}`).join(', ')
    const hexed = await db.query<Array<Record<string, unknown>>>(
      `SELECT id, ${hexSql} FROM hexed ORDER BY id`,
    )
    expect(hexed).toHaveLength(4)
    for (const expected of hexed) {
      const got = payload('hexed', Number(expected.id))
      expect(got, `hexed id ${expected.id}`).toBeDefined()
      for (const c of binaryColumns) expect(got?.[c], `hexed.${c} of id ${expected.id}`).toBe(expected[c])
    }
    expect(payload('hexed', 1)?.vb).toBe('ff00ff') // the UPDATE's after image
    expect(payload('hexed', 4)?.note).toBe('c3a9ff') // binary since the ALTER
    expect(payload('hexed', 3)?.note).toBe('é') // text when it was written

    const b64Sql = binaryColumns.map((c) => `REPLACE(TO_BASE64(${c}), '\\n', '') AS ${c}`).join(', ')
    const plain = await db.query<Array<Record<string, unknown>>>(
      `SELECT id, ${b64Sql}, note FROM plain ORDER BY id`,
    )
    for (const expected of plain) {
      const got = payload('plain', Number(expected.id))
      for (const c of [...binaryColumns, 'note'])
        expect(got?.[c], `plain.${c} of id ${expected.id}`).toBe(expected[c])
    }
  })
})
