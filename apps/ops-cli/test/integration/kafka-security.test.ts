// TLS and SASL settings reach the Kafka clients of doctor and lag. The stack's mock broker
// speaks neither, so a client that really uses them fails where a plain one succeeds; the
// failure is one clear finding or line, and the SASL password never shows.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kafkaBrokers } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'

const brokers = () => kafkaBrokers().join(',')
const password = 'sasl-pw-never-shown-42'

describe('Kafka TLS and SASL', () => {
  it('doctor reaches the plain broker, and fails with TLS on, naming the cluster', async () => {
    const plain = await runOps(['doctor', '--only', 'kafka', '--json'], { env: { KAFKA_BROKERS: brokers() } })
    expect(plain.code).toBe(0)
    const tls = await runOps(['doctor', '--only', 'kafka', '--kafka-ssl'], {
      env: { KAFKA_BROKERS: brokers() },
    })
    expect(tls.code).toBe(3)
    expect(tls.stdout).toMatch(/^FAIL kafka +connect: cannot reach Kafka at 127\.0\.0\.1:\d+/m)
  })

  it('doctor and lag use SASL from the config file with the password in a file, and never echo it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-sasl-'))
    writeFileSync(join(dir, 'pw'), `${password}\n`)
    const config = join(dir, 'ops.json')
    writeFileSync(
      config,
      JSON.stringify({
        kafka: {
          brokers: kafkaBrokers(),
          sasl: { mechanism: 'scram-sha-256', username: 'sync', password: { file: join(dir, 'pw') } },
        },
      }),
    )
    const doctor = await runOps(['doctor', '--only', 'kafka', '--config', config])
    expect(doctor.code).toBe(3)
    expect(doctor.stdout).toMatch(/^FAIL kafka +connect: Kafka at [\d.:,]+: \S/m)
    const lag = await runOps(['lag', '--group', 'g', '--config', config])
    expect(lag.code).toBe(1)
    expect(lag.stderr.trim().split('\n')).toHaveLength(1)
    expect(lag.stderr).toMatch(/^sync-ops lag: Kafka at 127\.0\.0\.1:\d+/)
    for (const r of [doctor, lag]) expect(r.stdout + r.stderr).not.toContain(password)
  })

  it('names a bad SASL field of the config file and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-sasl-'))
    const config = join(dir, 'ops.json')
    writeFileSync(
      config,
      JSON.stringify({
        kafka: { brokers: ['k:1'], sasl: { mechanism: 'gssapi', username: 'u', password: password } },
      }),
    )
    const r = await runOps(['lag', '--group', 'g', '--config', config])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, received "gssapi"',
    )
    expect(r.stderr).not.toContain(password)
  })
})
