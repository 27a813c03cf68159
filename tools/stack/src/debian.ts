import { execFileSync } from 'node:child_process'
import { which } from './process-util.ts'

/** What each service needs from Debian, and the file that proves the package is there. */
export const debianNeeds = {
  mariadb: [
    { pkg: 'mariadb-server', probe: 'mariadbd' },
    { pkg: 'mariadb-client', probe: 'mariadb-admin' },
  ],
  kafka: [
    { pkg: 'librdkafka-dev', probe: '/usr/include/librdkafka/rdkafka_mock.h' },
    { pkg: 'gcc', probe: 'gcc' },
    { pkg: 'kcat', probe: 'kcat' },
  ],
} as const

export class MissingDebianPackagesError extends Error {
  readonly code = 'STACK_MISSING_PACKAGES'
  constructor(readonly packages: string[]) {
    super(
      `missing Debian packages: ${packages.join(' ')}. Install them with ` +
        `"sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}", ` +
        'or point the stack at running services with MYSQL_HOST / KAFKA_BROKERS.',
    )
  }
}

function present(probe: string): boolean {
  if (probe.startsWith('/')) {
    try {
      execFileSync('test', ['-e', probe])
      return true
    } catch {
      return false
    }
  }
  return which(probe) !== undefined
}

/**
 * Makes sure the packages are installed. As root with apt-get available, it installs what
 * is missing (unless SYNC_STACK_NO_INSTALL=1); otherwise it fails naming the command to run.
 */
export function ensureDebianPackages(
  needs: ReadonlyArray<{ pkg: string; probe: string }>,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const missing = [...new Set(needs.filter((n) => !present(n.probe)).map((n) => n.pkg))]
  if (missing.length === 0) return
  const canInstall =
    process.getuid?.() === 0 && which('apt-get') !== undefined && env.SYNC_STACK_NO_INSTALL !== '1'
  if (!canInstall) throw new MissingDebianPackagesError(missing)
  log(`installing Debian packages: ${missing.join(' ')}`)
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: aptEnv,
    })
  } catch {
    throw new MissingDebianPackagesError(missing)
  }
  const still = needs.filter((n) => !present(n.probe)).map((n) => n.pkg)
  if (still.length > 0) throw new MissingDebianPackagesError([...new Set(still)])
}
