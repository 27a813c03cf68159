// The operations client passes TLS options (a private CA and a client certificate) to
// kafkajs: against a TLS listener with the test CA's certificate it connects verified,
// presents the client certificate and speaks Kafka inside the tunnel; with another CA the
// connection fails on the certificate. No broker of the stack speaks TLS.
import { readFileSync } from 'node:fs'
import { makeTlsFiles, startTlsListener, type TlsFiles } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaClient, kafkaConfig } from '../src/kafka-client.ts'

let files: TlsFiles
beforeAll(() => {
  files = makeTlsFiles()
})
afterAll(() => files?.remove())

const pem = (path: string) => readFileSync(path, 'utf8')

describe('createKafkaClient over TLS', () => {
  it('keeps `ssl: true` as verified TLS with the system CAs, and passes TLS options as given', () => {
    expect(kafkaConfig({ brokers: ['k:9093'], ssl: true }).ssl).toEqual({ rejectUnauthorized: true })
    expect(kafkaConfig({ brokers: ['k:9093'] }).ssl).toBeUndefined()
    const ssl = { ca: 'CA PEM', servername: 'kafka.example.com' }
    expect(kafkaConfig({ brokers: ['k:9093'], ssl }).ssl).toEqual(ssl)
  })

  it('verifies the broker against the private CA and presents the client certificate', async () => {
    const listener = await startTlsListener(files)
    const ssl = {
      ca: pem(files.ca),
      cert: pem(files.clientCert),
      key: pem(files.clientKey),
      passphrase: files.passphrase,
    }
    const admin = createKafkaClient({ brokers: [listener.broker], ssl, retries: 0 }).admin()
    await expect(admin.connect()).rejects.toThrow()
    await admin.disconnect()
    const first = listener.seen[0]
    expect(first && { authorized: first.authorized, clientCn: first.clientCn }).toEqual({
      authorized: true,
      clientCn: 'client',
    })
    // int16 api key 18 (ApiVersions) after the int32 size
    expect(first?.firstBytes.readInt16BE(4)).toBe(18)
  })

  it('fails on the certificate when the CA is another one', async () => {
    const listener = await startTlsListener(files)
    const admin = createKafkaClient({
      brokers: [listener.broker],
      ssl: { ca: pem(files.otherCa) },
      retries: 0,
    }).admin()
    await expect(admin.connect()).rejects.toThrow(/self-signed certificate in certificate chain/)
    await admin.disconnect()
    expect(listener.seen).toEqual([])
  })
})
