// The deployed Python shipper's encryption (pycryptodome, json.dumps with its default
// separators), run from test/fixtures/python with Debian's python3-pycryptodome.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEnvelopeCipher, generateKey } from '../../src/index.ts'
import { payloads } from './payloads.ts'
import { fingerprint, removeDir, runPython, tempDir } from './peers.ts'

const work = tempDir('python')
afterAll(() => removeDir(work))

const texts = Object.values(payloads)
const expected = texts.map(fingerprint)

describe('the deployed Python shipper (pycryptodome)', () => {
  it.each([128, 192, 256] as const)('opens what the shipper sealed with an AES-%i key', (bits) => {
    const key = generateKey(bits)
    writeFileSync(join(work, 'rows.json'), JSON.stringify(texts), 'utf8')
    runPython(['encrypt', join(work, 'rows.json'), join(work, 'values.jsonl')], key)
    const values = readFileSync(join(work, 'values.jsonl')).toString('utf8').split('\n').slice(0, -1)
    const cipher = createEnvelopeCipher({ key })
    expect(values.map((value) => fingerprint(cipher.openToString(value)))).toEqual(expected)
    for (const value of values) {
      // json.dumps' default separators and pycryptodome's default 16-byte nonce
      expect(value).toMatch(/^\{"nonce": "[0-9a-f]{32}", "ciphertext": "[0-9a-f]+"\}$/)
      // the producer hands Kafka bytes: open() takes them as they come
      expect(cipher.open(Buffer.from(value, 'utf8')).length).toBeGreaterThanOrEqual(0)
    }
  })

  it.each([128, 192, 256] as const)(
    'decrypts what we seal with an AES-%i key (16- and 12-byte nonces, kid; sealToJson and sealToBytes) with pycryptodome',
    (bits) => {
      const key = generateKey(bits)
      const ciphers = [
        createEnvelopeCipher({ key }),
        createEnvelopeCipher({ key, nonceBytes: 12 }),
        createEnvelopeCipher({ key, kid: '2024-q1' }),
      ]
      const variants = ciphers.flatMap((cipher) => [
        (text: string) => cipher.sealToJson(text),
        (text: string) => cipher.sealToBytes(text).toString('utf8'),
      ])
      for (const seal of variants) {
        writeFileSync(join(work, 'sealed.jsonl'), `${texts.map(seal).join('\n')}\n`)
        runPython(['decrypt', join(work, 'sealed.jsonl'), join(work, 'plain.json')], key)
        const plain = JSON.parse(readFileSync(join(work, 'plain.json'), 'utf8')) as string[]
        expect(plain.map(fingerprint)).toEqual(expected)
      }
    },
  )

  it('reports a tampered value as a tag failure on the Python side too', () => {
    const key = generateKey()
    const value = createEnvelopeCipher({ key }).sealToJson(payloads.chinese ?? '')
    const flipped = value.replace(
      /"ciphertext":"(.)/,
      (_m, c: string) => `"ciphertext":"${c === '0' ? '1' : '0'}`,
    )
    expect(flipped).not.toBe(value)
    writeFileSync(join(work, 'tampered.jsonl'), `${flipped}\n`)
    runPython(['decrypt', join(work, 'tampered.jsonl'), join(work, 'tampered.json')], key)
    expect(JSON.parse(readFileSync(join(work, 'tampered.json'), 'utf8'))).toEqual([{ error: 'ValueError' }])
    expect(() => createEnvelopeCipher({ key }).open(flipped)).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
  })

  it('matches the README worked example, which the shipper computes from a fixed nonce', () => {
    const example = JSON.parse(
      readFileSync(new URL('../fixtures/wire-example.json', import.meta.url), 'utf8'),
    ) as {
      key: string
      nonce: string
      row: unknown
      plaintext: string
      value: string
    }
    writeFileSync(join(work, 'row.json'), JSON.stringify(example.row), 'utf8')
    const computed = JSON.parse(
      runPython(['example', example.nonce, join(work, 'row.json')], example.key),
    ) as {
      plaintext: string
      value: string
    }
    expect(computed).toEqual({ plaintext: example.plaintext, value: example.value })
    expect(createEnvelopeCipher({ key: example.key }).openToString(example.value)).toBe(example.plaintext)
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    for (const text of [example.key, example.nonce, example.value]) expect(readme).toContain(text)
  })
})
