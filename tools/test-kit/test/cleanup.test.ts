import { describe, expect, it } from 'vitest'
import { registerCleanup } from '../src/cleanup.ts'

describe('registerCleanup', () => {
  const ran: string[] = []

  it('registers a cleanup inside a test', () => {
    registerCleanup(() => void ran.push('first'))
    expect(ran).toEqual([])
  })

  it('ran it when that test finished, once', async () => {
    expect(ran).toEqual(['first'])
  })

  it('returns a function that runs the cleanup at most once', async () => {
    let n = 0
    const drop = registerCleanup(() => {
      n += 1
    })
    await drop()
    await drop()
    expect(n).toBe(1)
  })
})
