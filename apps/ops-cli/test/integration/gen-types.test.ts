// gen on a table holding every MySQL type: the DDL's types follow the mapping
// (written out here from the issue, not from the code), the emulator accepts the DDL, and
// the legacy files equal what the seed's own Python generator writes for the same columns.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import { createTestDatabase, mysqlOptions, registerCleanup } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'
import { password, sourceEnv } from '../helpers/stack.ts'

const EVERY_TYPE = `CREATE TABLE every_type (
  Id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'row "id" with \\\\ backslash and ''quote''',
  OrgId INT NOT NULL COMMENT 'organisation',
  t_tiny TINYINT, t_tiny_u TINYINT UNSIGNED, t_bool TINYINT(1),
  t_small SMALLINT, t_small_u SMALLINT UNSIGNED, t_medium MEDIUMINT, t_medium_u MEDIUMINT UNSIGNED,
  t_int INT, t_int_u INT UNSIGNED, t_big BIGINT, t_big_u BIGINT UNSIGNED,
  t_bit1 BIT(1), t_bit64 BIT(64), t_float FLOAT, t_double DOUBLE,
  t_dec DECIMAL(12,2), t_dec38 DECIMAL(38,10), t_dec_wide DECIMAL(65,30),
  t_date DATE, t_datetime DATETIME, t_datetime6 DATETIME(6), t_ts TIMESTAMP NULL, t_time TIME(3), t_year YEAR,
  t_char CHAR(10), t_varchar VARCHAR(255), t_varchar_latin VARCHAR(20000) CHARACTER SET latin1,
  t_tinytext TINYTEXT, t_text TEXT, t_mediumtext MEDIUMTEXT, t_longtext LONGTEXT,
  t_enum ENUM('a','bb','ccc'), t_set SET('x','yy'), t_json JSON,
  t_binary BINARY(16), t_varbinary VARBINARY(100), t_blob BLOB, t_longblob LONGBLOB,
  t_geo GEOMETRY,
  PRIMARY KEY (OrgId, Id), KEY (Id)
) CHARACTER SET utf8mb4 COMMENT 'every "type"\\nsecond line'`

// The mapping: VARCHAR = chars × 4 bytes (utf8mb4), capped at 65533 then STRING;
// DECIMAL keeps precision and scale; BIGINT UNSIGNED → LARGEINT; TEXT → STRING; JSON → JSON;
// DATETIME/TIMESTAMP → DATETIME; ENUM/SET → VARCHAR; binary as base64 text by default.
const expected: Record<string, string> = {
  id: 'LARGEINT',
  org_id: 'INT',
  t_tiny: 'TINYINT',
  t_tiny_u: 'SMALLINT',
  t_bool: 'TINYINT',
  t_small: 'SMALLINT',
  t_small_u: 'INT',
  t_medium: 'INT',
  t_medium_u: 'INT',
  t_int: 'INT',
  t_int_u: 'BIGINT',
  t_big: 'BIGINT',
  t_big_u: 'LARGEINT',
  t_bit1: 'TINYINT',
  t_bit64: 'LARGEINT',
  t_float: 'FLOAT',
  t_double: 'DOUBLE',
  t_dec: 'DECIMAL(12,2)',
  t_dec38: 'DECIMAL(38,10)',
  t_dec_wide: 'STRING',
  t_date: 'DATE',
  t_datetime: 'DATETIME',
  t_datetime6: 'DATETIME',
  t_ts: 'DATETIME',
  t_time: 'VARCHAR(32)',
  t_year: 'SMALLINT',
  t_char: 'VARCHAR(40)',
  t_varchar: 'VARCHAR(1020)',
  t_varchar_latin: 'STRING',
  t_tinytext: 'STRING',
  t_text: 'STRING',
  t_mediumtext: 'STRING',
  t_longtext: 'STRING',
  t_enum: 'VARCHAR(12)',
  t_set: 'VARCHAR(16)',
  t_json: 'JSON',
  t_binary: 'VARCHAR(24)',
  t_varbinary: 'VARCHAR(136)',
  t_blob: 'STRING',
  t_longblob: 'STRING',
}

async function everyTypeDb() {
  const db = await createTestDatabase('gen')
  await db.query(EVERY_TYPE)
  return db
}

describe('gen on a table with every MySQL type', () => {
  it("writes a Primary Key DDL with the issue's types that the emulator creates", async () => {
    const db = await everyTypeDb()
    const r = await runOps(
      [
        'gen',
        '--database',
        db.name,
        '--table',
        'every_type',
        '--target',
        'ods_every',
        '--only',
        'ddl',
        '--json',
      ],
      {
        env: sourceEnv(),
      },
    )
    expect(r.stderr).toContain('t_geo') // the spatial column is left out, with a warning
    expect(r.code).toBe(0)
    const ddl = r.json<{ files: Array<{ content: string }> }>().files[0]!.content
    expect(ddl).toMatch(/PRIMARY KEY \(`org_id`, `id`\)/)
    expect(ddl).toMatch(/DISTRIBUTED BY HASH \(`org_id`, `id`\)/)
    expect(ddl).toContain(String.raw`COMMENT "row \"id\" with \\ backslash and 'quote'"`)
    expect(ddl).toContain(String.raw`COMMENT "every \"type\"\nsecond line"`)
    // key columns lead, in key order
    expect(ddl.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^ {2}`org_id` INT NOT NULL/),
      expect.stringMatching(/^ {2}`id` LARGEINT NOT NULL/),
    ])

    const emulator = await startStarRocksEmulator({ mysql: mysqlOptions('admin') })
    registerCleanup(() => emulator.stop())
    const target = await createTestDatabase('sr')
    const schema = await emulator.createTableFromDdl(ddl, target.name)
    expect(schema.model).toBe('PRIMARY')
    expect(schema.keys).toEqual(['org_id', 'id'])
    const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type.text.replace(/\s+/g, '')]))
    expect(types).toEqual(expected)
    expect(schema.columns.filter((c) => !c.nullable).map((c) => c.name)).toEqual(['org_id', 'id'])
  })

  it('maps TINYINT(1) to BOOLEAN and binary columns to VARBINARY when asked', async () => {
    const db = await everyTypeDb()
    const r = await runOps(
      [
        'gen',
        '--database',
        db.name,
        '--table',
        'every_type',
        '--only',
        'ddl',
        '--tinyint1',
        'boolean',
        '--binary',
        'varbinary',
      ],
      { env: sourceEnv() },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/`t_bool` BOOLEAN NULL/)
    expect(r.stdout).toMatch(/`t_tiny` TINYINT NULL/)
    expect(r.stdout).toMatch(/`t_varbinary` VARBINARY\(100\) NULL/)
    expect(r.stdout).toMatch(/`t_blob` VARBINARY NULL/)
  })

  it("writes the legacy files exactly as the seed's Python generator does", async () => {
    const db = await everyTypeDb()
    const out = mkdtempSync(join(tmpdir(), 'ops-gen-'))
    const names = { batch: 'mzt_ods_cjm_all.every_type', stream: 'mzt_ods_cjm_stream.ods_every' }
    const r = await runOps(
      [
        'gen',
        '--database',
        db.name,
        '--table',
        'every_type',
        '--target',
        'ods_every',
        '--batch-topic',
        names.batch,
        '--stream-topic',
        names.stream,
        '--out',
        out,
      ],
      { env: sourceEnv() },
    )
    expect(r.code).toBe(0)
    // the rows the seed's search_column_name reads
    const rows = await db.query<Array<Record<string, unknown>>>(
      `SELECT COLUMN_NAME, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, COLUMN_KEY, NUMERIC_PRECISION, COLUMN_COMMENT
         FROM information_schema.COLUMNS WHERE table_schema = ? AND table_name = 'every_type' ORDER BY ORDINAL_POSITION`,
      [db.name],
    )
    const oracleDir = mkdtempSync(join(tmpdir(), 'ops-seed-'))
    execFileSync('mkdir', ['-p', join(oracleDir, 'config')])
    const env = sourceEnv()
    execFileSync('python3', [join(import.meta.dirname, '../fixtures/seed_generator_driver.py')], {
      cwd: oracleDir,
      input: JSON.stringify({
        database: db.name,
        table: 'every_type',
        topic: names.batch,
        n_table: 'ods_every',
        s_topic: names.stream,
        host: env.MYSQL_HOST,
        port: Number(env.MYSQL_PORT),
        columns: rows.map((row) =>
          Object.values(row).map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v)),
        ),
      }),
    })
    const seedFiles = readdirSync(join(oracleDir, 'config')).sort()
    expect(seedFiles).toHaveLength(5)
    for (const file of seedFiles) {
      expect({ file, content: readFileSync(join(out, file), 'utf8') }).toEqual({
        file,
        content: readFileSync(join(oracleDir, 'config', file), 'utf8'),
      })
    }
    expect(r.stdout + r.stderr).not.toContain(password())
  })
})
