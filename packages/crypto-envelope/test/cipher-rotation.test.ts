import { describe, expect, it } from 'vitest'
import { createEnvelopeCipher } from '../src/cipher.ts'
import { generateKey } from '../src/keys.ts'

const k1 = generateKey()
const k2 = generateKey()
const k3 = generateKey(128)

describe('key rotation', () => {
  const old = createEnvelopeCipher({ keys: { k1 }, activeKid: 'k1' })
  const rotated = createEnvelopeCipher({ keys: { k1, k2, k3 }, activeKid: 'k2', defaultKid: 'k1' })

  it('names the sealing key in "kid" and opens older envelopes by their kid', () => {
    const sealed = rotated.seal('new row')
    expect(sealed.kid).toBe('k2')
    expect(rotated.activeKid).toBe('k2')
    expect(rotated.openToString(old.sealToJson('old row'))).toBe('old row')
    expect(rotated.openToString(sealed)).toBe('new row')
  })

  it('opens envelopes without "kid" (legacy writers) with the default key', () => {
    const legacy = createEnvelopeCipher({ key: k1 }).sealToJson('legacy row')
    expect(JSON.parse(legacy)).not.toHaveProperty('kid')
    expect(rotated.openToString(legacy)).toBe('legacy row')
  })

  it('defaults the default key to the active key', () => {
    const cipher = createEnvelopeCipher({ keys: { k1, k2 }, activeKid: 'k2' })
    expect(cipher.openToString(createEnvelopeCipher({ key: k2 }).sealToJson('r'))).toBe('r')
    expect(() => cipher.open(createEnvelopeCipher({ key: k1 }).sealToJson('r'))).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
  })

  it('reports an unknown kid as such, naming the kid', () => {
    const stranger = createEnvelopeCipher({ key: generateKey(), kid: 'k9' }).sealToJson('r')
    expect(() => rotated.open(stranger)).toThrow(
      expect.objectContaining({ code: 'ENV_UNKNOWN_KID', kid: 'k9' }),
    )
  })

  it('tries every key for kid-less envelopes only when asked to', () => {
    const legacyK3 = createEnvelopeCipher({ key: k3 }).sealToJson('sealed with k3, no kid')
    expect(() => rotated.open(legacyK3)).toThrow(expect.objectContaining({ code: 'ENV_AUTH_FAILED' }))
    const migrating = createEnvelopeCipher({ keys: { k1, k2, k3 }, activeKid: 'k2', tryAllKeys: true })
    expect(migrating.openToString(legacyK3)).toBe('sealed with k3, no kid')
    const nobody = createEnvelopeCipher({ key: generateKey() }).sealToJson('r')
    expect(() => migrating.open(nobody)).toThrow(expect.objectContaining({ code: 'ENV_AUTH_FAILED' }))
  })

  it('lets a single key without a kid open envelopes whatever their kid', () => {
    const tagged = createEnvelopeCipher({ key: k1, kid: 'any-name' }).sealToJson('tagged')
    expect(createEnvelopeCipher({ key: k1 }).openToString(tagged)).toBe('tagged')
    expect(() => createEnvelopeCipher({ key: k1, kid: 'other' }).open(tagged)).toThrow(
      expect.objectContaining({ code: 'ENV_UNKNOWN_KID' }),
    )
  })
})

describe('additional authenticated data', () => {
  const key = generateKey()

  it('is off by default, so envelopes stay readable by the deployed decryptors', () => {
    const plain = createEnvelopeCipher({ key })
    const withAad = createEnvelopeCipher({ key, aad: 'topic-a' })
    expect(() => withAad.open(plain.sealToJson('r'))).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
    expect(() => plain.open(withAad.sealToJson('r'))).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
  })

  it('binds a message to its context, per cipher or per call', () => {
    const cipher = createEnvelopeCipher({ key, aad: Buffer.from('orders') })
    expect(cipher.openToString(cipher.sealToJson('r'))).toBe('r')
    const perCall = cipher.sealToJson('moved', { aad: 'customers' })
    expect(cipher.openToString(perCall, { aad: 'customers' })).toBe('moved')
    expect(() => cipher.open(perCall)).toThrow(expect.objectContaining({ code: 'ENV_AUTH_FAILED' }))
    const none = cipher.sealToJson('none', { aad: null })
    expect(createEnvelopeCipher({ key }).openToString(none)).toBe('none')
  })
})
