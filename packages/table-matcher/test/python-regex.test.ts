import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { compilePattern, translatePythonRegex } from '../src/python-regex.ts'

const where = { file: 'x.json', field: 'regex' }

// Seed-style patterns against `db.table` names, including ones re.match accepts only as a prefix.
const cases: Array<[string, string]> = [
  ['shop\\.t_order_\\d{4}', 'shop.t_order_0001'],
  ['shop\\.t_order_\\d{4}', 'shop.t_order_0001_bak'],
  ['shop\\.t_order', 'shop.t_order_0001'],
  ['shop\\.t_order', 'other.t_order'],
  ['shop.order_org(?P<org_id>\\d+)_(?P<period>\\d{6})', 'shop.order_org12_202401'],
  ['shop.order_org(?P<org_id>\\d+)', 'shop.order_org12_202401'],
  ['(?i)SHOP\\.LOG_\\d+', 'shop.log_2024'],
  ['a|shop\\.b', 'shop.b'],
  ['(?P<x>ab)(?P=x)', 'abab'],
  ['\\Ashop\\.x\\Z', 'shop.x'],
  ['shop\\.[_a-z]+(?#comment)_\\d+', 'shop.t_order_12'],
  ['shop\\.[]a]+', 'shop.]a'],
]

function python(pairs: Array<[string, string]>): unknown[] | undefined {
  const script = [
    'import json, re, sys',
    'out = []',
    'for p, t in json.load(sys.stdin):',
    '    m = re.match(p, t)',
    '    out.append(None if m is None else {k: v for k, v in m.groupdict().items() if v is not None})',
    'print(json.dumps(out))',
  ].join('\n')
  try {
    return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(pairs) }).toString())
  } catch {
    return undefined
  }
}

const expected = python(cases)

describe('Python re.match compatibility', () => {
  // Reason for the skip: expectations come from Python's own re.match; no python3, no oracle.
  it.skipIf(expected === undefined)(
    'anchoring "start" agrees with re.match on match and named groups',
    () => {
      const ours = cases.map(([p, t]) => {
        const m = compilePattern(p, 'start', where).regex.exec(t)
        if (m === null) return null
        return Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined))
      })
      expect(ours).toEqual(expected)
    },
  )

  it('anchoring "full" needs the whole name to match', () => {
    const p = compilePattern('shop\\.t_order_\\d{4}', 'full', where)
    expect(p.regex.test('shop.t_order_0001')).toBe(true)
    expect(p.regex.test('shop.t_order_0001_bak')).toBe(false)
    expect(compilePattern('a|b', 'full', where).regex.test('ab')).toBe(false)
  })

  it('lists named groups of both dialects', () => {
    expect(compilePattern('o(?P<org_id>\\d+)_(?<period>\\d{6})', 'full', where).groups).toEqual([
      'org_id',
      'period',
    ])
  })

  it('rejects what JavaScript cannot express, and unbalanced patterns that would escape anchoring', () => {
    expect(() => translatePythonRegex('(?x) a b', where)).toThrow(
      expect.objectContaining({ code: 'TM_BAD_REGEX' }),
    )
    expect(() => compilePattern('a(?i)b', 'full', where)).toThrow(
      expect.objectContaining({ code: 'TM_BAD_REGEX' }),
    )
    expect(() => compilePattern('a)|(b', 'full', where)).toThrow(
      expect.objectContaining({ code: 'TM_BAD_REGEX', file: 'x.json', field: 'regex' }),
    )
  })
})
