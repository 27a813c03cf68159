// generateForTable against the stack's MariaDB: the names a caller leaves out follow
// defaultTableNames through every file, and the sinker fragment lists the target's columns.
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { generateForTable } from '../../src/generate.ts'

describe('generateForTable', () => {
  it('names the target, topics and files ods_<table>, sync_stream.<target> and sync_batch.<table> by default', async () => {
    const db = await createTestDatabase('wddl')
    await db.query('CREATE TABLE invoices (InvoiceId BIGINT NOT NULL PRIMARY KEY, totalAmount DECIMAL(12,2))')
    const result = await generateForTable(db.conn, {
      database: db.name,
      table: 'invoices',
      snakeCase: 'modern',
      mysqlHost: 'db.internal',
      mysqlPort: 3306,
      legacy: {},
      tinyint1: 'tinyint',
      binary: 'string',
      binaryEncoding: 'base64',
    })
    expect(result.files.map((f) => [f.kind, f.file])).toEqual([
      ['ddl', 'ods_invoices_create_table.sql'],
      ['sinker', 'ods_invoices.sinker.json'],
      ['rule', `${db.name}.invoices.json`],
      ['connect-batch', 'sync_batch.invoices_connect.json'],
      ['datax', 'sync_batch.invoices_datax_config.json'],
      ['datax-shell', 'sync_batch.invoices_datax_shell.sh'],
      ['connect-stream', 'sync_stream.ods_invoices-connect.json'],
    ])
    const file = (kind: string) => result.files.find((f) => f.kind === kind)!.content
    expect(JSON.parse(file('rule')).topic).toBe('sync_stream.ods_invoices')
    expect(file('ddl')).toMatch(/^CREATE TABLE IF NOT EXISTS `ods_invoices` \(/)
    expect(JSON.parse(file('sinker'))).toEqual({
      kafka: { topics: ['sync_stream.ods_invoices', 'sync_stream.ods_invoices_batch'] },
      topicToTable: {
        'sync_stream.ods_invoices': 'ods_invoices',
        'sync_stream.ods_invoices_batch': 'ods_invoices',
      },
      tables: { ods_invoices: { columns: ['invoice_id', 'total_amount'] } },
    })
  })
})
