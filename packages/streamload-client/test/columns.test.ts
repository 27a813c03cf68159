import { describe, expect, it } from 'vitest'
import { buildColumnsHeader, buildJsonPaths } from '../src/index.ts'

describe('buildColumnsHeader / buildJsonPaths', () => {
  it('lists the columns, with __op last when asked (columns: pk,col1,__op in §2.3)', () => {
    expect(buildColumnsHeader(['pk', 'col1'], { withOp: true })).toBe('pk,col1,__op')
    expect(buildColumnsHeader(['pk', 'col1'])).toBe('pk,col1')
  })

  it('builds jsonpaths in the same order, so path i feeds column i', () => {
    const cols = ['id', 'name']
    expect(JSON.parse(buildJsonPaths(cols, { withOp: true }))).toEqual(['$.id', '$.name', '$.__op'])
  })

  it('quotes names that are not plain identifiers', () => {
    expect(buildColumnsHeader(['a b', 'x`y'])).toBe('`a b`,`x``y`')
    expect(JSON.parse(buildJsonPaths(['a.b']))).toEqual(['$."a.b"'])
  })

  it('adds the Doris delete sign instead of __op', () => {
    expect(buildColumnsHeader(['id'], { withDorisDeleteSign: true })).toBe('id,__DORIS_DELETE_SIGN__')
  })

  it('rejects an empty column list', () => {
    expect(() => buildColumnsHeader([])).toThrow(TypeError)
  })
})
