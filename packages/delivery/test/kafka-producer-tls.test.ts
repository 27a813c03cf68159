// kafka.ssl with a private CA and a client certificate reaches kafkajs' connections: the
// shipper's producer, given the TLS options service-kit's resolveKafkaTls makes from the
// files, verifies a TLS listener against the private CA, presents the client certificate,
// and speaks Kafka inside the tunnel; with another CA it fails on the certificate. No broker
// of the stack speaks TLS, so the listener plays one up to the first request.
import { resolveKafkaTls } from '@sync/service-kit'
import { makeTlsFiles, startTlsListener, type TlsFiles } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaProducer } from '../src/kafka-producer.ts'
import type { KafkaSettings } from '../src/kafka-settings.ts'

let files: TlsFiles
beforeAll(() => {
  files = makeTlsFiles()
})
afterAll(() => files?.remove())

function producerFor(broker: string, ssl: KafkaSettings['ssl']) {
  const producer = createKafkaProducer({
    brokers: [broker],
    clientId: 'tls-test',
    ssl,
    compression: 'none',
    idempotent: false,
    worker: false,
    requestTimeoutMs: 2000,
    connectionTimeoutMs: 2000,
  })
  return producer
}

const batch = [{ topic: 't', messages: [{ key: 'k', value: 'v', headers: {} }] }]

describe('the producer over TLS', () => {
  it('verifies the broker against the private CA and presents the client certificate', async () => {
    const listener = await startTlsListener(files)
    const tls = resolveKafkaTls(
      { caFile: files.ca, certFile: files.clientCert, keyFile: files.clientKey, passphrase: { env: 'PASS' } },
      { env: { PASS: files.passphrase } },
    )
    expect(tls.errors).toEqual([])
    const producer = producerFor(listener.broker, tls.ssl)
    try {
      // the listener hangs up after the first request: the send fails, the handshake is what counts
      await expect(producer.send(batch)).rejects.toThrow()
    } finally {
      await producer.close()
    }
    expect(listener.seen.length).toBeGreaterThan(0)
    const first = listener.seen[0]!
    expect({ authorized: first.authorized, clientCn: first.clientCn }).toEqual({
      authorized: true,
      clientCn: 'client',
    })
    // inside the tunnel: a Kafka request, int32 size then int16 api key 18 (ApiVersions)
    expect(first.firstBytes.readInt32BE(0)).toBe(first.firstBytes.length - 4)
    expect(first.firstBytes.readInt16BE(4)).toBe(18)
  })

  it('fails on the certificate when the configured CA is another one, sending nothing', async () => {
    const listener = await startTlsListener(files)
    const tls = resolveKafkaTls({ caFile: files.otherCa }, { env: {} })
    const producer = producerFor(listener.broker, tls.ssl)
    try {
      await expect(producer.send(batch)).rejects.toThrow(/self-signed certificate in certificate chain/)
    } finally {
      await producer.close()
    }
    expect(listener.seen).toEqual([])
  })
})
