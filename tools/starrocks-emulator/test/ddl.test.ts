import { describe, expect, it } from 'vitest'
import { parseCreateTable, toMariaDdl } from '../src/ddl.ts'

const DDL = `CREATE TABLE IF NOT EXISTS \`sync\`.\`t_order\` (
  \`id\` LARGEINT NOT NULL COMMENT "pk",
  \`org_id\` INT NOT NULL,
  \`title\` STRING NULL,
  \`amount\` DECIMAL(38, 10) NULL DEFAULT "0",
  \`doc\` JSON NULL,
  \`tags\` ARRAY<VARCHAR(20)> NULL,
  \`at\` DATETIME NULL
) ENGINE=OLAP
PRIMARY KEY (\`id\`, \`org_id\`)
COMMENT "x, y"
DISTRIBUTED BY HASH (\`id\`) BUCKETS 8
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true")`

describe('parseCreateTable', () => {
  it('reads columns, types, nullability, defaults and the primary key', () => {
    const t = parseCreateTable(DDL)
    expect(t).toMatchObject({ database: 'sync', name: 't_order', model: 'PRIMARY', keys: ['id', 'org_id'] })
    expect(t.columns.map((c) => [c.name, c.type.kind, c.nullable])).toEqual([
      ['id', 'LARGEINT', false],
      ['org_id', 'INT', false],
      ['title', 'STRING', true],
      ['amount', 'DECIMAL', true],
      ['doc', 'JSON', true],
      ['tags', 'ARRAY', true],
      ['at', 'DATETIME', true],
    ])
    expect(t.columns[3]).toMatchObject({ defaultSql: "'0'", type: { precision: 38, scale: 10 } })
  })

  it('does not read NOT NULL or DEFAULT inside a comment or a default string', () => {
    const t = parseCreateTable(`CREATE TABLE c (
      id BIGINT NOT NULL COMMENT "key",
      note VARCHAR(20) NULL COMMENT "will be NOT NULL DEFAULT 'x' later",
      flag VARCHAR(10) NULL DEFAULT "NOT NULL",
      seq BIGINT NOT NULL COMMENT 'AUTO_INCREMENT in the source'
    ) PRIMARY KEY (id) DISTRIBUTED BY HASH (id)`)
    expect(t.columns.map((c) => [c.name, c.nullable, c.defaultSql, c.autoIncrement])).toEqual([
      ['id', false, undefined, false],
      ['note', true, undefined, false],
      ['flag', true, "'NOT NULL'", false],
      ['seq', false, undefined, false],
    ])
  })

  it('reads a DUPLICATE KEY table and rejects AGGREGATE KEY', () => {
    expect(parseCreateTable('CREATE TABLE d (a INT) DUPLICATE KEY (a) DISTRIBUTED BY HASH (a)').model).toBe(
      'DUPLICATE',
    )
    expect(() =>
      parseCreateTable('CREATE TABLE g (a INT, b BIGINT SUM) AGGREGATE KEY (a) DISTRIBUTED BY HASH (a)'),
    ).toThrow(/AGGREGATE/)
  })
})

describe('toMariaDdl', () => {
  it('maps StarRocks types to MariaDB storage that keeps values exact', () => {
    const sql = toMariaDdl(parseCreateTable(DDL), 'm')
    expect(sql).toContain('`id` DECIMAL(39,0) NOT NULL')
    expect(sql).toContain('`title` LONGTEXT NULL')
    expect(sql).toContain("`amount` DECIMAL(38,10) NULL DEFAULT '0'")
    expect(sql).toContain('`doc` LONGTEXT NULL')
    expect(sql).toContain('`at` DATETIME(6) NULL')
    expect(sql).toContain('PRIMARY KEY (`id`, `org_id`)')
  })
})
