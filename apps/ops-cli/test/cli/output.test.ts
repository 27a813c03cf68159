import { describe, expect, it } from 'vitest'
import { createOutput, formatTable, toJsonText } from '../../src/cli/output.ts'

describe('output', () => {
  it('blanks registered secrets in every stream', () => {
    let out = ''
    let err = ''
    const o = createOutput({
      stdout: (t) => {
        out += t
      },
      stderr: (t) => {
        err += t
      },
    })
    o.addSecret('hunter22')
    o.addSecret('abc') // too short to be worth blanking
    o.line('password hunter22 in a line')
    o.note('server said: hunter22')
    o.json({ p: 'xhunter22x' })
    expect(out + err).not.toContain('hunter22')
    expect(out).toContain('password [redacted] in a line')
  })

  it('writes bigint as exact digits and aligns tables', () => {
    expect(toJsonText({ n: 18446744073709551615n }, 0)).toBe('{"n":18446744073709551615}')
    expect(
      formatTable(
        [
          { a: 'x', b: 1 },
          { a: 'longer', b: null },
        ],
        ['a', 'b'],
      ),
    ).toEqual(['A       B', 'x       1', 'longer'])
    expect(formatTable([], ['a'])).toEqual(['(none)'])
  })
})
