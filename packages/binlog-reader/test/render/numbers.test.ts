import { describe, expect, it } from 'vitest'
import { renderBit, renderFloat32, renderInteger } from '../../src/render/numbers.ts'

describe('number rendering', () => {
  it('keeps integers exact: numbers within 2^53, bigint beyond', () => {
    expect(renderInteger('9007199254740991')).toBe(9007199254740991)
    expect(renderInteger('18446744073709551615')).toBe(18446744073709551615n)
    expect(renderInteger(-5)).toBe(-5)
    expect(() => renderInteger(2 ** 60)).toThrow(/inexact/)
  })
  it('renders FLOAT as the shortest decimal of its float32', () => {
    expect(renderFloat32(Math.fround(1.1))).toBe(1.1)
    expect(renderFloat32('1.100000023841858')).toBe(1.1)
    expect(renderFloat32(16777217)).toBe(16777216)
    expect(renderFloat32(Math.fround(0.1))).toBe(0.1)
  })
  it('reads BIT bytes big-endian', () => {
    expect(renderBit(Buffer.from([0x02, 0xaa]))).toBe(682)
    expect(renderBit(Buffer.alloc(8, 0xff))).toBe(2n ** 64n - 1n)
  })
})
