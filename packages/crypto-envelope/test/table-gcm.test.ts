import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createEnvelopeCipher, generateKey } from '../src/index.ts'
import type { ParsedKey } from '../src/keys.ts'
import { parseKey } from '../src/keys.ts'
import { createTableGcm, MAX_TABLE_BYTES } from '../src/table-gcm.ts'

// Table GCM is checked against Node's AES-GCM (OpenSSL) for the same nonce, byte for byte,
// and against the published test case; the reference arithmetic below is written apart from
// the module's, to choose nonces whose counter wraps.

/** Table GCM over nonces taken from `list` in order (round and round). */
function fixed(key: ParsedKey, nonceBytes: 12 | 16, list: Buffer[]) {
  let i = 0
  const gcm = createTableGcm(key, nonceBytes, {
    fillNonces(buf) {
      for (let at = 0; at < buf.length; at += nonceBytes) {
        const nonce = list[i++ % list.length] as Buffer
        nonce.copy(buf, at)
      }
    },
  })
  if (gcm === undefined) throw new Error('table GCM is not available on this machine')
  return { seal: (plaintext: string | Uint8Array, aad?: Uint8Array) => gcm.seal(plaintext, aad) }
}

function nodeSeal(key: ParsedKey, nonce: Buffer, plaintext: string | Uint8Array, aad?: Uint8Array): string {
  const gcm = createCipheriv(key.algorithm, key.key, nonce)
  if (aad !== undefined) gcm.setAAD(aad)
  const body = Buffer.concat([
    typeof plaintext === 'string' ? gcm.update(plaintext, 'utf8') : gcm.update(plaintext),
    gcm.final(),
  ])
  return body.toString('hex') + gcm.getAuthTag().toString('hex')
}

describe('table GCM', () => {
  it('gives the published AES-GCM test case (McGrew & Viega, test case 4)', () => {
    const key = parseKey('feffe9928665731c6d6a8f9467308308', 'key')
    const nonce = Buffer.from('cafebabefacedbaddecaf888', 'hex')
    const plaintext = Buffer.from(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
      'hex',
    )
    const aad = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex')
    const sealed = fixed(key, 12, [nonce]).seal(plaintext, aad)
    expect(sealed).toEqual([
      'cafebabefacedbaddecaf888',
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091' +
        '5bc94fbc3221a5db94fae95ae7121a47',
    ])
  })

  const lengths = [
    ...Array.from({ length: 70 }, (_, i) => i),
    127,
    128,
    129,
    255,
    256,
    300,
    511,
    1000,
    1023,
    1024,
  ]
  const aads = [undefined, 1, 15, 16, 17, 40, 3000].map((n) => (n === undefined ? undefined : randomBytes(n)))
  for (const bits of [128, 192, 256] as const) {
    for (const nonceBytes of [12, 16] as const) {
      it(`equals Node's AES-${bits}-GCM with ${nonceBytes}-byte nonces, every length to 1 KiB, with and without AAD`, () => {
        const key = parseKey(generateKey(bits), 'key')
        const nonces = Array.from({ length: 50 }, () => randomBytes(nonceBytes))
        const gcm = fixed(key, nonceBytes, nonces)
        const given = new Set(nonces.map((n) => n.toString('hex')))
        for (const aad of aads) {
          for (const length of lengths) {
            const plaintext = randomBytes(length)
            const [nonce, body] = gcm.seal(plaintext, aad) ?? ['', '']
            expect(given.has(nonce)).toBe(true)
            expect(body).toBe(nodeSeal(key, Buffer.from(nonce, 'hex'), plaintext, aad))
          }
        }
      })
    }
  }

  it('takes strings as their UTF-8, as Node does (multi-byte characters, lone surrogates)', () => {
    const key = parseKey(generateKey(), 'key')
    const nonces = Array.from({ length: 7 }, () => randomBytes(16))
    const gcm = fixed(key, 16, nonces)
    const texts = ['', '{"id":1}', '{"name":"张三","note":"é ü 😀"}', 'a\ud800b', '汉'.repeat(341)]
    for (const text of texts) {
      const [nonce, body] = gcm.seal(text) ?? ['', '']
      expect(body).toBe(nodeSeal(key, Buffer.from(nonce, 'hex'), text))
    }
  })

  it('wraps the 32-bit block counter as GCM does (inc32), for a 16-byte nonce whose J0 ends in ffff fffe', () => {
    const raw = randomBytes(32)
    const key = parseKey(raw, 'key')
    const h = toBig(aesBlock(raw, Buffer.alloc(16)))
    // J0 = GHASH(N || [0]64 || [128]64) = N·H² ⊕ L·H, so N = (J0 ⊕ L·H)·(H²)⁻¹
    const j0 = toBig(Buffer.concat([randomBytes(12), Buffer.from('fffffffe', 'hex')]))
    const nonce = toBuf(mul(j0 ^ mul(128n, h), inverse(mul(h, h))))
    const plaintext = randomBytes(200) // 13 blocks: the counter passes 2^32 - 1 and wraps to 0
    expect(fixed(key, 16, [nonce]).seal(plaintext)?.[1]).toBe(nodeSeal(key, nonce, plaintext))
  })

  it('prepares a new set of nonces for a longer row, uses every nonce once, and leaves rows over 1 KiB to the caller', () => {
    const key = parseKey(generateKey(), 'key')
    let counter = 0
    const gcm = createTableGcm(key, 12, {
      fillNonces(buf) {
        for (let at = 0; at < buf.length; at += 12) buf.writeUInt32BE(counter++, at + 8)
      },
    })
    const seen = new Set<string>()
    const sizes = [10, 10, 200, 10, 900, 30, MAX_TABLE_BYTES, 5]
    for (let round = 0; round < 300; round++) {
      for (const size of sizes) {
        const plaintext = randomBytes(size)
        const [nonce, body] = gcm?.seal(plaintext, undefined) ?? ['', '']
        expect(seen.has(nonce)).toBe(false)
        seen.add(nonce)
        expect(body).toBe(nodeSeal(key, Buffer.from(nonce, 'hex'), plaintext))
      }
    }
    expect(gcm?.seal(randomBytes(MAX_TABLE_BYTES + 1), undefined)).toBeUndefined()
    expect(gcm?.seal('x'.repeat(MAX_TABLE_BYTES + 1), undefined)).toBeUndefined()
    // a string of at most 1,024 units whose UTF-8 is longer
    expect(gcm?.seal('汉'.repeat(400), undefined)).toBeUndefined()
  })

  it('is what createEnvelopeCipher seals with, and both ways open each other', () => {
    const key = generateKey()
    const fast = createEnvelopeCipher({ key })
    const node = createEnvelopeCipher({ key, fastSeal: false })
    for (const text of ['{"id":1,"__op":0}', 'x'.repeat(1500), '张'.repeat(2000)]) {
      expect(node.openToString(fast.sealToJson(text))).toBe(text)
      expect(fast.openToString(node.sealToJson(text))).toBe(text)
      const envelope = fast.seal(text)
      const data = Buffer.from(envelope.ciphertext, 'hex')
      const d = createDecipheriv(
        'aes-256-gcm',
        createSecretKey(Buffer.from(key, 'hex')),
        Buffer.from(envelope.nonce, 'hex'),
      )
      d.setAuthTag(data.subarray(data.length - 16))
      expect(Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8')).toBe(
        text,
      )
    }
  })
})

// Reference GF(2^128) arithmetic of SP 800-38D (Algorithm 1), bit 0 = the top bit of byte 0.
const R = 0xe1n << 120n
function mul(x: bigint, y: bigint): bigint {
  let z = 0n
  let v = y
  for (let i = 127; i >= 0; i--) {
    if ((x >> BigInt(i)) & 1n) z ^= v
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n
  }
  return z
}
/** x^(2^128 - 2) = x⁻¹ */
function inverse(x: bigint): bigint {
  let result = 1n << 127n // the field's 1
  let base = x
  let e = (1n << 128n) - 2n
  while (e > 0n) {
    if (e & 1n) result = mul(result, base)
    base = mul(base, base)
    e >>= 1n
  }
  return result
}
function toBig(b: Buffer): bigint {
  return BigInt(`0x${b.toString('hex')}`)
}
function toBuf(x: bigint): Buffer {
  return Buffer.from(x.toString(16).padStart(32, '0'), 'hex')
}
function aesBlock(key: Buffer, block: Buffer): Buffer {
  const ecb = createCipheriv('aes-256-ecb', key, null)
  ecb.setAutoPadding(false)
  return ecb.update(block)
}
