import { describe, expect, it } from 'vitest'
import { deadLetterHeaders, deadLetterMessage } from '../src/dead-letters.ts'

describe('dead-letter records', () => {
  it('keep the sealed value and the original headers, and add where it came from and why', () => {
    const m = deadLetterMessage(
      {
        origin: {
          topic: 'ods.orders',
          partition: 3,
          offset: '42',
          key: Buffer.from('{"id":1}'),
          value: Buffer.from('{"nonce":"ab","ciphertext":"cd"}'),
          headers: { 'sync-table': 'orders' },
        },
        code: 'SL_FILTERED_ROWS',
        message: 'x'.repeat(1500),
        table: 'orders',
      },
      1_700_000_000_000,
    )
    expect(m.value?.toString()).toBe('{"nonce":"ab","ciphertext":"cd"}')
    expect(m.key?.toString()).toBe('{"id":1}')
    expect(m.headers).toMatchObject({
      'sync-table': 'orders',
      [deadLetterHeaders.topic]: 'ods.orders',
      [deadLetterHeaders.partition]: '3',
      [deadLetterHeaders.offset]: '42',
      [deadLetterHeaders.code]: 'SL_FILTERED_ROWS',
      [deadLetterHeaders.table]: 'orders',
      [deadLetterHeaders.time]: '1700000000000',
    })
    expect(m.headers[deadLetterHeaders.message]).toHaveLength(1000)
  })
})
