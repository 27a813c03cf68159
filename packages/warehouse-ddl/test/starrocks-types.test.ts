import { describe, expect, it } from 'vitest'
import { type SourceColumn, starRocksType, varcharFor } from '../src/starrocks-types.ts'

const col = (dataType: string, columnType = dataType, extra: Partial<SourceColumn> = {}): SourceColumn => ({
  name: 'c',
  dataType,
  columnType,
  nullable: true,
  primaryKey: false,
  charMaxLength: null,
  numericPrecision: null,
  numericScale: null,
  comment: '',
  json: false,
  ...extra,
})

describe('starRocksType', () => {
  it('sizes VARCHAR at 4 bytes per character and switches to STRING past 65533 bytes', () => {
    expect(starRocksType(col('varchar', 'varchar(16383)', { charMaxLength: 16383 }))).toEqual({
      type: 'VARCHAR(65532)',
    })
    expect(starRocksType(col('varchar', 'varchar(16384)', { charMaxLength: 16384 }))).toEqual({
      type: 'STRING',
    })
    expect(varcharFor(65533)).toBe('VARCHAR(65533)')
    expect(varcharFor(65534)).toBe('STRING')
  })

  it('keeps DECIMAL precision and scale (the seed wrote numeric_precision + 1 and lost the scale)', () => {
    expect(starRocksType(col('decimal', 'decimal(18,4)', { numericPrecision: 18, numericScale: 4 }))).toEqual(
      { type: 'DECIMAL(18,4)' },
    )
    const wide = starRocksType(col('decimal', 'decimal(40,2)', { numericPrecision: 40, numericScale: 2 }))
    expect(wide).toMatchObject({ type: 'STRING' })
  })

  it('treats MariaDB JSON (LONGTEXT with json_valid) as JSON', () => {
    expect(starRocksType(col('longtext', 'longtext', { json: true }))).toEqual({ type: 'JSON' })
    expect(starRocksType(col('longtext'))).toEqual({ type: 'STRING' })
  })

  it('sizes binary columns for their rendering and honours the option', () => {
    const b = col('varbinary', 'varbinary(10)', { charMaxLength: 10 })
    expect(starRocksType(b)).toEqual({ type: 'VARCHAR(16)' })
    expect(starRocksType(b, { tinyint1: 'tinyint', binary: 'string', binaryEncoding: 'hex' })).toEqual({
      type: 'VARCHAR(20)',
    })
    expect(
      starRocksType(b, { tinyint1: 'tinyint', binary: 'skip', binaryEncoding: 'base64' }),
    ).toHaveProperty('skip')
  })

  it('leaves unknown and spatial types out with a reason', () => {
    expect(starRocksType(col('point'))).toHaveProperty('skip')
    expect(starRocksType(col('vector', 'vector(3)'))).toEqual({ skip: 'type vector(3) is not supported' })
  })

  it('widens unsigned integers and maps TINYINT(1) per option', () => {
    expect(starRocksType(col('int', 'int(10) unsigned'))).toEqual({ type: 'BIGINT' })
    expect(starRocksType(col('tinyint', 'tinyint(1)'))).toEqual({ type: 'TINYINT' })
    expect(
      starRocksType(col('tinyint', 'tinyint(1)'), {
        tinyint1: 'boolean',
        binary: 'string',
        binaryEncoding: 'base64',
      }),
    ).toEqual({ type: 'BOOLEAN' })
    expect(
      starRocksType(col('tinyint', 'tinyint(1) unsigned'), {
        tinyint1: 'boolean',
        binary: 'string',
        binaryEncoding: 'base64',
      }),
    ).toEqual({ type: 'SMALLINT' })
  })
})
