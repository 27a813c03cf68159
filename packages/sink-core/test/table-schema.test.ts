import { describe, expect, it } from 'vitest'
import { isSinkError } from '../src/errors.ts'
import { createSchemaReader } from '../src/table-schema.ts'

describe('the schema reader without a query pool', () => {
  it('answers for configured tables only, and refuses the others for good', async () => {
    const read = createSchemaReader(undefined, 'ods', { t: { columns: ['id', 'name'] } })
    expect(await read.schema('t')).toEqual({ columns: ['id', 'name'], keys: [] })
    const err = await read.schema('u').catch((e: unknown) => e)
    expect(isSinkError(err) && [err.code, err.retriable, err.table]).toEqual(['SINK_SCHEMA', false, 'u'])
  })
})
