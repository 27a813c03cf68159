// Runs the deployed Java and Python code (test/fixtures) as child processes. Keys go to the
// peers on stdin, never on a command line or in output.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `crypto-envelope-${prefix}-`))
  return dir
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

function run(
  command: string,
  args: string[],
  input: string,
  env?: NodeJS.ProcessEnv,
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    input,
    encoding: 'utf8',
    env: env ?? process.env,
    timeout: 60_000,
  })
  if (result.error) throw result.error
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args[0] ?? ''} exited with ${result.status}: ${result.stderr.slice(0, 2000)}`,
    )
  }
  return result
}

/** Compiles the Java fixtures into a temp dir; fails loudly (never skips) without a JDK. */
export function compileJava(): { classes: string; major: number } {
  const probe = spawnSync('javac', ['-version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'javac is required for the Java compatibility tests: install the Debian package openjdk-17-jdk-headless (scripts/bootstrap.sh --tests does)',
    )
  }
  const major = Number(/javac (\d+)/.exec(`${probe.stdout}${probe.stderr}`)?.[1] ?? 'NaN')
  const classes = tempDir('java')
  const sources = listJava(join(fixtures, 'java'))
  run('javac', ['-encoding', 'UTF-8', '-d', classes, ...sources], '')
  return { classes, major }
}

function listJava(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return listJava(path)
    return entry.name.endsWith('.java') ? [path] : []
  })
}

export interface JavaLaunch {
  /** LANG/LC_ALL for the JVM, e.g. "C" or "C.UTF-8". */
  locale: string
  /** Extra JVM flags such as -Dfile.encoding=UTF-8. */
  jvmFlags?: string[]
}

export function runJava(classes: string, launch: JavaLaunch, args: string[], keyHex = ''): string {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: launch.locale, LC_ALL: launch.locale }
  return run('java', [...(launch.jvmFlags ?? []), '-cp', classes, 'CompatTool', ...args], `${keyHex}\n`, env)
    .stdout
}

let python: string | undefined

/** The first python3 that imports Cryptodome (Debian's python3-pycryptodome). */
export function findPython(): string {
  if (python !== undefined) return python
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import Cryptodome'], { encoding: 'utf8' })
    if (!probe.error && probe.status === 0) {
      python = candidate
      return candidate
    }
  }
  throw new Error(
    'python3 with the Cryptodome module is required for the Python compatibility tests: install the Debian package python3-pycryptodome (scripts/bootstrap.sh --tests does)',
  )
}

export function runPython(args: string[], keyHex: string): string {
  return run(findPython(), [join(fixtures, 'python', 'shipper_crypto.py'), ...args], `${keyHex}\n`).stdout
}

/** Large plaintexts are compared by length and digest, so a failure prints no megabyte diff. */
export function fingerprint(text: string): string {
  return text.length > 4096
    ? `${text.length} chars sha256:${createHash('sha256').update(text).digest('hex')}`
    : text
}
