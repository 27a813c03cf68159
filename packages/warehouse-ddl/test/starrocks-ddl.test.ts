import { describe, expect, it } from 'vitest'
import { quoteIdent, renderCreateTable, stringLiteral } from '../src/starrocks-ddl.ts'

describe('renderCreateTable', () => {
  it('escapes comments the seed wrapped in bare double quotes', () => {
    expect(stringLiteral('say "hi" \\ now\nnext')).toBe('"say \\"hi\\" \\\\ now\\nnext"')
    expect(quoteIdent('we`ird')).toBe('`we``ird`')
  })

  it('puts key columns first, NOT NULL, and the rest NULL', () => {
    const ddl = renderCreateTable({
      database: 'ods',
      table: 't',
      columns: [
        { name: 'v', type: 'STRING', comment: 'value' },
        { name: 'id', type: 'BIGINT' },
        { name: 'table_name', type: 'VARCHAR(256)' },
      ],
      keyColumns: ['table_name', 'id'],
      buckets: 8,
      properties: { replication_num: '1' },
    })
    expect(ddl).toBe(
      [
        'CREATE TABLE IF NOT EXISTS `ods`.`t` (',
        '  `table_name` VARCHAR(256) NOT NULL,',
        '  `id` BIGINT NOT NULL,',
        '  `v` STRING NULL COMMENT "value"',
        ') ENGINE=OLAP',
        'PRIMARY KEY (`table_name`, `id`)',
        'DISTRIBUTED BY HASH (`table_name`, `id`) BUCKETS 8',
        'PROPERTIES ("replication_num" = "1");',
      ].join('\n'),
    )
  })

  it('refuses a table without key', () => {
    expect(() =>
      renderCreateTable({ table: 't', columns: [{ name: 'a', type: 'INT' }], keyColumns: [] }),
    ).toThrow(/no primary key/)
  })
})
