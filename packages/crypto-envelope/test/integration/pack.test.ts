// Publishable: the built package packs into a tarball that installs into an empty directory
// (no registry needed: the package has no runtime dependencies) and works with plain node.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createEnvelopeCipher, generateKey } from '../../src/index.ts'
import { removeDir, tempDir } from './peers.ts'

const packageDir = fileURLToPath(new URL('../../', import.meta.url))
const work = tempDir('pack')
afterAll(() => removeDir(work))

function sh(command: string, args: string[], cwd: string, input = ''): string {
  const result = spawnSync(command, args, { cwd, input, encoding: 'utf8', timeout: 90_000 })
  if (result.error) throw result.error
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`)
  return result.stdout
}

describe('the packed package', () => {
  it('builds, packs, installs into an empty directory and seals/opens there', () => {
    sh('npx', ['tsc', '-p', 'tsconfig.build.json'], packageDir)
    const packs = join(work, 'packs')
    sh('pnpm', ['pack', '--pack-destination', packs], packageDir)
    const tarball = readdirSync(packs).find((name) => name.endsWith('.tgz'))
    expect(tarball).toMatch(/^sync-crypto-envelope-\d+\.\d+\.\d+\.tgz$/)
    const listing = sh('tar', ['-tzf', join(packs, tarball ?? '')], work).split('\n')
    expect(listing).toEqual(
      expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/README.md']),
    )
    expect(listing.filter((path) => path.includes('/src/') || path.includes('/test/'))).toEqual([])

    const app = join(work, 'app')
    sh('mkdir', ['-p', app], work)
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true,"type":"module"}\n')
    sh('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packs, tarball ?? '')], app)

    // the installed copy opens what the source copy sealed, and the other way round
    const key = generateKey()
    const here = createEnvelopeCipher({ key })
    const script = `
      import { createEnvelopeCipher, EnvelopeErrorCode } from '@sync/crypto-envelope'
      import { readFileSync } from 'node:fs'
      const [key, value] = readFileSync(0, 'utf8').split('\\n')
      const cipher = createEnvelopeCipher({ key })
      let code
      try { cipher.open(value.replace('"ciphertext":"', '"ciphertext":"00')) } catch (e) { code = e.code }
      // a long row takes the SIMD hex path, from the WebAssembly module embedded in dist
      const long = '长'.repeat(30000)
      const longValue = cipher.sealToBytes(long)
      console.log(JSON.stringify({ opened: cipher.openToString(value), sealed: cipher.sealToJson('从包里'), code,
        codes: Object.keys(EnvelopeErrorCode).length, long: cipher.openToString(longValue) === long,
        longValue: longValue.toString() }))`
    writeFileSync(join(app, 'check.mjs'), script)
    const out = JSON.parse(
      sh('node', ['check.mjs'], app, `${key}\n${here.sealToJson('héllo 😀')}`),
    ) as Record<string, unknown>
    expect(out.opened).toBe('héllo 😀')
    expect(here.openToString(String(out.sealed))).toBe('从包里')
    expect(out.code).toBe('ENV_AUTH_FAILED')
    expect(out.long).toBe(true)
    expect(here.openToString(String(out.longValue))).toBe('长'.repeat(30000))
    expect(out.codes).toBeGreaterThan(5)
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules/@sync/crypto-envelope/package.json'), 'utf8'),
    )
    expect(installed.name).toBe('@sync/crypto-envelope')
  })
})
