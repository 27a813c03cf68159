import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'

const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'

describe('envelope', () => {
  it('decrypts one envelope per line, as the deployed writers sealed them', async () => {
    // the crypto-envelope README's worked example, computed by the Python shipper's code
    const python =
      '{"nonce": "cafebabefacedbaddecaf888deadbeef", "ciphertext": "3b2f719b2a701afc00826fb21a5e76da3aa44d05c092facc8ad4fe9dbc720c3fd53003280e188de19add015be615a3ebee6494ed1484"}'
    const other = createEnvelopeCipher({ key: KEY }).sealToJson('{"id":2}')
    const r = await runOps(['envelope', 'decrypt'], {
      env: { SYNC_ENVELOPE_KEY: KEY },
      stdin: `${python}\n\n${other}\n`,
    })
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toBe('{"id": 1, "name": "张三", "__op": 0}\n{"id":2}\n')
  })

  it('decrypts with --json: one object per line with its input line number, failures still on stderr', async () => {
    const cipher = createEnvelopeCipher({ key: KEY })
    const row = '{"id":7,"name":"李四","__op":1}'
    const wrongKey = createEnvelopeCipher({ key: 'ff'.repeat(32) }).sealToJson('x')
    const r = await runOps(['envelope', 'decrypt', '--json'], {
      env: { SYNC_ENVELOPE_KEY: KEY },
      stdin: `${cipher.sealToJson(row)}\n\n${wrongKey}\n${cipher.sealToJson('plain "text"')}\n`,
    })
    expect(r.code).toBe(3)
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { line: 1, plaintext: row },
      { line: 4, plaintext: 'plain "text"' },
    ])
    expect(r.stderr).toBe('line 3: cannot decrypt (ENV_AUTH_FAILED)\n1 of 4 line(s) did not decrypt\n')
    expect(r.stdout + r.stderr).not.toContain(KEY)
  })

  it('encrypts lines that the cipher opens, with a key from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-key-'))
    writeFileSync(join(dir, 'key'), `${KEY}\n`)
    const r = await runOps(['envelope', 'encrypt', '--key-file', join(dir, 'key'), '--kid', 'k1'], {
      stdin: 'a\n{"b":1}\n',
    })
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    const cipher = createEnvelopeCipher({ key: KEY })
    expect(lines.map((l) => cipher.openToString(l))).toEqual(['a', '{"b":1}'])
    expect(JSON.parse(lines[0]!).kid).toBe('k1')
    expect(r.stdout).not.toContain(KEY)
  })

  it('reports lines that do not open by number and code, keeps going, exits 3', async () => {
    const good = createEnvelopeCipher({ key: KEY }).sealToJson('ok')
    const wrongKey = createEnvelopeCipher({ key: 'ff'.repeat(32) }).sealToJson('secret row')
    const r = await runOps(['envelope', 'decrypt', '--key-env', 'MY_KEY'], {
      env: { MY_KEY: KEY },
      stdin: `${wrongKey}\nnot json\n${good}\n`,
    })
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('ok\n')
    expect(r.stderr).toBe(
      'line 1: cannot decrypt (ENV_AUTH_FAILED)\nline 2: cannot decrypt (ENV_MALFORMED)\n2 of 3 line(s) did not decrypt\n',
    )
  })

  it('generates keys that the cipher accepts', async () => {
    const r = await runOps(['envelope', 'keygen', '--bits', '128', '--json'])
    const { key, bits } = r.json<{ key: string; bits: number }>()
    expect(bits).toBe(128)
    expect(key).toMatch(/^[0-9a-f]{32}$/)
    expect(() => createEnvelopeCipher({ key })).not.toThrow()
    expect((await runOps(['envelope', 'keygen', '--bits', '100'])).code).toBe(2)
  })

  it('fails in one line without a key, with a bad key, or without an action', async () => {
    const none = await runOps(['envelope', 'decrypt'], { stdin: 'x\n' })
    expect(none).toMatchObject({ code: 2 })
    expect(none.stderr).toBe(
      'sync-ops envelope: no envelope key: pass --key-file PATH or --key-env NAME, or set SYNC_ENVELOPE_KEY\n',
    )
    const bad = await runOps(['envelope', 'decrypt'], { env: { SYNC_ENVELOPE_KEY: 'abc123' } })
    expect(bad.code).toBe(2)
    expect(bad.stderr.split('\n')).toHaveLength(2)
    expect(bad.stderr).toContain('ENV_BAD_KEY')
    expect(bad.stderr).not.toContain('abc123')
    expect((await runOps(['envelope'])).code).toBe(2)
    expect((await runOps(['envelope', 'decrypt', '--bogus'])).stderr).toBe(
      "sync-ops envelope: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"\n",
    )
  })
})
