// Compiles src/hex.wat into src/hex-wasm.ts (the module's bytes, base64). Needs wat2wasm
// (Debian package wabt). Run: pnpm --filter @sync/crypto-envelope build:wasm
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export function compileHexWat(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hex-wasm-'))
  try {
    const out = join(dir, 'hex.wasm')
    execFileSync('wat2wasm', [join(root, 'src/hex.wat'), '-o', out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    return readFileSync(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function hexWasmModuleSource(bytes: Buffer): string {
  return `// Generated from hex.wat by scripts/build-wasm.ts: do not edit.\nexport const HEX_WASM_BASE64 =\n  '${bytes.toString('base64')}'\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, 'src/hex-wasm.ts'), hexWasmModuleSource(compileHexWat()))
  console.log('wrote src/hex-wasm.ts')
}
