// The deployed Java side, compiled from test/fixtures/java: the DataX Kafka writer's
// encryption and the StarRocks Kafka connector's decryption transform, run on Java 17.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEnvelopeCipher, generateKey } from '../../src/index.ts'
import { payloads } from './payloads.ts'
import { compileJava, fingerprint, removeDir, runJava, tempDir } from './peers.ts'

const utf8Jvm = { locale: 'C', jvmFlags: ['-Dfile.encoding=UTF-8'] }
let java: { classes: string; major: number }
const dirs: string[] = []

function dir(name: string): string {
  const path = tempDir(name)
  dirs.push(path)
  return path
}

beforeAll(() => {
  java = compileJava()
})
afterAll(() => {
  if (java) removeDir(java.classes)
  dirs.forEach(removeDir)
})

/** The DataX writer encrypts each payload; returns the Kafka values by payload name. */
function javaEncrypt(key: string, launch: Parameters<typeof runJava>[1]): Record<string, string> {
  const input = dir('in')
  const output = dir('out')
  for (const [name, text] of Object.entries(payloads)) writeFileSync(join(input, `${name}.txt`), text, 'utf8')
  runJava(java.classes, launch, ['encrypt', input, output], key)
  return Object.fromEntries(
    Object.keys(payloads).map((name) => [name, readFileSync(join(output, `${name}.json`), 'utf8')]),
  )
}

/** The connector's transform decrypts each value; returns its String (or the exception class). */
function javaDecrypt(key: string, values: Record<string, string>, launch: Parameters<typeof runJava>[1]) {
  const input = dir('in')
  const output = dir('out')
  for (const [name, value] of Object.entries(values))
    writeFileSync(join(input, `${name}.json`), value, 'utf8')
  runJava(java.classes, launch, ['decrypt', input, output], key)
  const result: Record<string, string> = {}
  for (const file of readdirSync(output)) {
    const [name, ext] = file.split('.') as [string, string]
    const text = readFileSync(join(output, file), 'utf8')
    result[name] = ext === 'err' ? `error: ${text}` : text
  }
  return result
}

const expected = Object.fromEntries(Object.entries(payloads).map(([name, text]) => [name, fingerprint(text)]))

describe('the deployed Java side (Java 17, DataX writer and StarRocks connector transform)', () => {
  it.each([128, 192, 256] as const)('opens what the DataX writer sealed with an AES-%i key', (bits) => {
    const key = generateKey(bits)
    const values = javaEncrypt(key, utf8Jvm)
    const cipher = createEnvelopeCipher({ key })
    for (const [name, value] of Object.entries(values)) {
      // fastjson's compact, name-sorted output, with the writer's 16-byte nonce
      expect(value).toMatch(/^\{"ciphertext":"[0-9a-f]+","nonce":"[0-9a-f]{32}"\}$/)
      expect([name, fingerprint(cipher.openToString(value))]).toEqual([name, expected[name]])
    }
  })

  it.each([128, 192, 256] as const)(
    'decrypts what we seal with an AES-%i key: 16- and 12-byte nonces, a kid it ignores, sealToJson and sealToBytes',
    (bits) => {
      const key = generateKey(bits)
      const variants = {
        n16: createEnvelopeCipher({ key }),
        n12: createEnvelopeCipher({ key, nonceBytes: 12 }),
        kid: createEnvelopeCipher({ keys: { old: generateKey(), k2: key }, activeKid: 'k2' }),
      }
      const forms = Object.entries(variants).flatMap(([variant, cipher]) => [
        [`${variant} json`, (text: string) => cipher.sealToJson(text)] as const,
        [`${variant} bytes`, (text: string) => cipher.sealToBytes(text).toString('utf8')] as const,
      ])
      for (const [variant, seal] of forms) {
        const values = Object.fromEntries(Object.entries(payloads).map(([n, text]) => [n, seal(text)]))
        const decrypted = javaDecrypt(key, values, utf8Jvm)
        for (const name of Object.keys(payloads)) {
          expect([variant, name, fingerprint(decrypted[name] ?? 'missing')]).toEqual([
            variant,
            name,
            expected[name],
          ])
        }
      }
    },
  )

  it('rejects a wrong key on both sides instead of yielding plaintext', () => {
    const key = generateKey()
    const other = generateKey()
    const value = createEnvelopeCipher({ key }).sealToJson(payloads.chinese ?? '')
    expect(javaDecrypt(other, { row: value }, utf8Jvm).row).toBe('error: javax.crypto.AEADBadTagException')
    const fromJava = javaEncrypt(key, utf8Jvm).chinese ?? ''
    expect(() => createEnvelopeCipher({ key: other }).open(fromJava)).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
  })

  // Java 17 takes String.getBytes()/new String(bytes) from file.encoding, which follows the
  // locale; JEP 400 (Java 18+) made UTF-8 the default. Both deployed classes use the default.
  it('under a C locale Java 17 mangles non-ASCII rows both ways; -Dfile.encoding=UTF-8 fixes it', () => {
    const [, cDefault] = runJava(java.classes, { locale: 'C' }, ['charset']).trim().split(' ')
    const [, utf8Default] = runJava(java.classes, utf8Jvm, ['charset']).trim().split(' ')
    expect(utf8Default).toBe('UTF-8')
    if (java.major >= 18) {
      expect(cDefault).toBe('UTF-8')
      return
    }
    expect(cDefault).toBe('US-ASCII')
    const key = generateKey()
    const cipher = createEnvelopeCipher({ key })
    const cLocale = { locale: 'C' }
    // writer: getBytes() with US-ASCII replaces every non-ASCII code point by '?'
    const written = javaEncrypt(key, cLocale)
    for (const name of ['chinese', 'emoji'] as const) {
      const original = payloads[name] ?? ''
      expect(cipher.openToString(written[name] ?? '')).toBe(original.replace(/[^\u0000-\u007f]/gu, '?'))
    }
    expect(cipher.openToString(written.ascii ?? '')).toBe(payloads.ascii)
    // transform: new String(bytes) with US-ASCII turns every byte >= 0x80 into U+FFFD
    const sealed = {
      chinese: cipher.sealToJson(payloads.chinese ?? ''),
      ascii: cipher.sealToJson(payloads.ascii ?? ''),
    }
    const read = javaDecrypt(key, sealed, cLocale)
    const mangled = [...Buffer.from(payloads.chinese ?? '', 'utf8')]
      .map((byte) => (byte < 0x80 ? String.fromCharCode(byte) : '\ufffd'))
      .join('')
    expect(read.chinese).toBe(mangled)
    expect(read.ascii).toBe(payloads.ascii)
    // the safe setting: the same C locale with -Dfile.encoding=UTF-8 round-trips
    expect(javaDecrypt(key, sealed, { locale: 'C', jvmFlags: ['-Dfile.encoding=UTF-8'] }).chinese).toBe(
      payloads.chinese,
    )
  })
})
