// encryptHexInto against an independent one-shot AES-GCM encryption: plaintexts that end
// exactly at, before and after a piece boundary, and views into larger buffers.
import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ENCRYPT_CHUNK, encryptHexInto } from '../src/encrypt-hex.ts'

const key = randomBytes(32)
const nonce = randomBytes(16)

function reference(plain: Uint8Array): string {
  const c = createCipheriv('aes-256-gcm', key, nonce)
  const body = Buffer.concat([c.update(plain), c.final()])
  return body.toString('hex') + c.getAuthTag().toString('hex')
}

function inPieces(plain: Uint8Array): string {
  const c = createCipheriv('aes-256-gcm', key, nonce)
  const out = Buffer.alloc(2 + 2 * plain.length + 2, 0x2e)
  const end = encryptHexInto(c, plain, out, 2)
  c.final()
  expect(end).toBe(2 + 2 * plain.length)
  // nothing written outside its place
  expect(out.toString('latin1', 0, 2)).toBe('..')
  expect(out.toString('latin1', end)).toBe('..')
  return out.toString('latin1', 2, end) + c.getAuthTag().toString('hex')
}

const C = ENCRYPT_CHUNK

describe('encryptHexInto', () => {
  it.each([0, 1, 17, C - 1, C, C + 1, 2 * C, 3 * C + 5])(
    'gives the ciphertext and tag of a one-shot encryption for %i bytes',
    (n) => {
      const plain = randomBytes(n)
      expect(inPieces(plain)).toBe(reference(plain))
    },
  )

  it('encrypts a Uint8Array view with an offset into a larger buffer, and nothing around it', () => {
    const wide = randomBytes(2 * C + 100)
    const view = new Uint8Array(wide.buffer, wide.byteOffset + 7, 2 * C + 50)
    expect(inPieces(view)).toBe(reference(Buffer.from(view)))
  })
})
