import { expect, it } from 'vitest'
import { LruCache } from '../../src/reader/table-cache.ts'

it('evicts the least recently used entry once more than half full, insertion order before', () => {
  const c = new LruCache<number>(4)
  c.set('a', 1)
  c.set('b', 2)
  expect(c.get('a')).toBe(1) // half full: not moved
  c.set('c', 3) // now 3 of 4: hits move
  expect(c.get('a')).toBe(1)
  c.set('d', 4)
  c.set('e', 5) // over capacity: the oldest is b (a was moved after c's insertion)
  expect(c.size).toBe(4)
  expect(c.get('b')).toBeUndefined()
  expect([c.get('a'), c.get('c'), c.get('d'), c.get('e')]).toEqual([1, 3, 4, 5])
  c.set('f', 6) // oldest now: a (hit before c, d, e)
  expect(c.get('a')).toBeUndefined()
  expect(c.get('f')).toBe(6)
})
