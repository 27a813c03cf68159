import { expect, it } from 'vitest'
import { RawJson, stringifyRow } from '../../src/render/raw-json.ts'

it('writes bigint and RawJson verbatim and refuses a plain JSON.stringify of RawJson', () => {
  const row = { id: 2n ** 64n - 1n, j: new RawJson('{"a":[1]}'), s: 'é"', n: null, f: 1.5 }
  expect(stringifyRow(row)).toBe('{"id":18446744073709551615,"j":{"a":[1]},"s":"é\\"","n":null,"f":1.5}')
  expect(() => JSON.stringify({ j: new RawJson('1') })).toThrow(/stringifyRow/)
})
