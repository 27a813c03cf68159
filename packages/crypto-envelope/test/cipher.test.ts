import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createEnvelopeCipher } from '../src/cipher.ts'
import { generateKey } from '../src/keys.ts'

// Known answers from the GCM specification (McGrew & Viega), test cases 3, 4 and 6 (AES-128).
const K = 'feffe9928665731c6d6a8f9467308308'
const P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255'
const vectors = [
  {
    name: 'case 3: 96-bit nonce',
    nonce: 'cafebabefacedbaddecaf888',
    aad: undefined,
    plain: P,
    cipher:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    tag: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    name: 'case 4: with AAD',
    nonce: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plain: P.slice(0, 120),
    cipher:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    tag: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    name: 'case 6: 60-byte nonce',
    nonce:
      '9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plain: P.slice(0, 120),
    cipher:
      '8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5',
    tag: '619cc5aefffe0bfa462af43c1699d050',
  },
]

describe('createEnvelopeCipher', () => {
  it.each(vectors)('opens the GCM specification vector, $name', (v) => {
    const cipher = createEnvelopeCipher({ key: K, ...(v.aad ? { aad: Buffer.from(v.aad, 'hex') } : {}) })
    const opened = cipher.open({ nonce: v.nonce, ciphertext: v.cipher + v.tag })
    expect(opened.toString('hex')).toBe(v.plain)
  })

  it('seals what an independent AES-GCM encryption with the same nonce produces', () => {
    const key = generateKey()
    const cipher = createEnvelopeCipher({ key })
    const text = '{"id":1,"name":"张三 😀"}'
    const envelope = cipher.seal(text)
    const reference = createCipheriv(
      'aes-256-gcm',
      Buffer.from(key, 'hex'),
      Buffer.from(envelope.nonce, 'hex'),
    )
    const body = Buffer.concat([reference.update(Buffer.from(text, 'utf8')), reference.final()])
    expect(envelope.ciphertext).toBe(body.toString('hex') + reference.getAuthTag().toString('hex'))
  })

  it('writes a 16-byte nonce by default and 12 bytes on request, fresh for every message', () => {
    const key = generateKey(128)
    const n16 = createEnvelopeCipher({ key })
    const n12 = createEnvelopeCipher({ key, nonceBytes: 12 })
    const nonces = new Set<string>()
    for (let i = 0; i < 1000; i++) nonces.add(n16.seal('x').nonce)
    expect(nonces.size).toBe(1000)
    expect([...nonces].every((n) => /^[0-9a-f]{32}$/.test(n))).toBe(true)
    expect(n12.seal('x').nonce).toMatch(/^[0-9a-f]{24}$/)
    expect(n16.openToString(n12.sealToJson('twelve'))).toBe('twelve')
  })

  it('round-trips strings as UTF-8 and bytes as they are', () => {
    const cipher = createEnvelopeCipher({ key: generateKey(192) })
    for (const text of ['', 'ascii', '中文', '😀👨‍👩‍👧', 'x'.repeat(100_000)]) {
      expect(cipher.openToString(cipher.sealToJson(text))).toBe(text)
      expect(cipher.open(cipher.seal(text)).equals(Buffer.from(text, 'utf8'))).toBe(true)
    }
    const bytes = randomBytes(1000)
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 10, 500)
    expect(cipher.open(cipher.seal(view)).equals(Buffer.from(view))).toBe(true)
    const asBytes = new TextEncoder().encode(cipher.sealToJson('from bytes'))
    expect(cipher.openToString(asBytes)).toBe('from bytes')
  })

  it('writes the compact wire form, with "kid" last when keyed by id', () => {
    const key = generateKey()
    expect(createEnvelopeCipher({ key }).sealToJson('a')).toMatch(
      /^\{"nonce":"[0-9a-f]{32}","ciphertext":"[0-9a-f]{34}"\}$/,
    )
    const json = createEnvelopeCipher({ key, kid: 'k"1' }).sealToJson('a')
    expect(JSON.parse(json)).toEqual({
      nonce: expect.any(String),
      ciphertext: expect.any(String),
      kid: 'k"1',
    })
    expect(Object.keys(JSON.parse(json))).toEqual(['nonce', 'ciphertext', 'kid'])
    // compact, the kid escaped as JSON.stringify escapes it
    expect(json).toBe(JSON.stringify(JSON.parse(json)))
  })

  it('opens any whitespace, field order, hex case and extra fields', () => {
    const cipher = createEnvelopeCipher({ key: generateKey() })
    const { nonce, ciphertext } = cipher.seal('row')
    const forms = [
      `{"nonce": "${nonce}", "ciphertext": "${ciphertext}"}`,
      `\n {\t"ciphertext" :"${ciphertext.toUpperCase()}",\r\n"nonce":"${nonce.toUpperCase()}" }\n`,
      `{"v":1,"nonce":"${nonce}","meta":{"a":[1,{"b":null}]},"ciphertext":"${ciphertext}","x":"\\"}"}`,
      // a JSON escape inside a hex field is still the same string
      `{"nonce":"\\u00${nonce.charCodeAt(0).toString(16)}${nonce.slice(1)}","ciphertext":"${ciphertext}"}`,
    ]
    for (const form of forms) expect(cipher.openToString(form)).toBe('row')
  })
})
