import { describe, expect, it } from 'vitest'
import { commands } from '../../src/commands/index.ts'
import { runOps } from '../helpers/run.ts'

const names = ['gen', 'snapshot', 'verify', 'freshness', 'lag', 'connect', 'doctor', 'envelope']

describe('--help', () => {
  it('lists every command of the issue', async () => {
    expect(commands.map((c) => c.name).sort()).toEqual([...names].sort())
    const r = await runOps(['--help'])
    expect(r.code).toBe(0)
    for (const n of names) expect(r.stdout).toMatch(new RegExp(`^ {2}${n} +\\S`, 'm'))
  })

  it.each(names)('%s --help shows usage, options and runnable examples, and exits 0', async (name) => {
    const r = await runOps([name, '--help'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage:/m)
    expect(r.stdout).toContain('--json')
    const examples = r.stdout.split('Examples:\n')[1] ?? ''
    const lines = examples.split('\n').filter((l) => l.trim() !== '')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    // each example is a command line of this command (a cron line or pipe may wrap it)
    for (const l of lines) expect(l).toMatch(new RegExp(`sync-ops ${name}( |$)`))
  })

  it.each(['snapshot', 'lag', 'doctor'])(
    '%s --help lists the Kafka TLS flags with their values, and none that takes the passphrase itself',
    async (name) => {
      const r = await runOps([name, '--help'])
      for (const flag of [
        '--kafka-ssl-ca-file <file>',
        '--kafka-ssl-cert-file <file>',
        '--kafka-ssl-key-file <file>',
        '--kafka-ssl-key-passphrase-file <file>',
        '--kafka-ssl-key-passphrase-env <env>',
        '--kafka-ssl-servername <servername>',
      ])
        expect(r.stdout).toMatch(new RegExp(`^ +${flag} +\\S`, 'm'))
      // the value's name comes from the help text, which then goes on without it
      expect(r.stdout).toMatch(/^ +--kafka-ssl-reject-unauthorized <true\|false> +false skips verifying/m)
      expect(r.stdout).not.toMatch(/--kafka-ssl-key-passphrase[ =<]/)
    },
  )
})
