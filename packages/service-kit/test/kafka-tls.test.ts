// kafka.ssl beyond on/off: the TLS object is checked field by field, its files are read at
// start with errors that name the field and the path (never the contents or the passphrase),
// and the options produced verify a broker against the configured private CA and present
// the client certificate: checked against a local TLS server with certificates made by openssl.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, createServer, type TLSSocket } from 'node:tls'
import { makeTlsFiles, type TlsFiles } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkaTlsWarning, parseKafkaSection, parseKafkaTls, resolveKafkaTls } from '../src/kafka-section.ts'

let files: TlsFiles
beforeAll(() => {
  files = makeTlsFiles()
})
afterAll(() => files?.remove())

const parse = (raw: unknown) => {
  const errors: string[] = []
  return { value: parseKafkaTls(raw, 'kafka.ssl', errors), errors }
}

describe('parseKafkaTls', () => {
  it('takes true, false and the TLS object, in the kafka section too', () => {
    expect(parse(true)).toEqual({ value: true, errors: [] })
    expect(parse(false)).toEqual({ value: false, errors: [] })
    expect(parse({})).toEqual({ value: {}, errors: [] })
    const full = {
      caFile: '/etc/kafka/ca.pem',
      certFile: 'client.pem',
      keyFile: 'client.key',
      passphrase: { env: 'KAFKA_KEY_PASSPHRASE' },
      servername: 'kafka.example.com',
      rejectUnauthorized: true,
    }
    expect(parse(full)).toEqual({ value: full, errors: [] })
    expect(parseKafkaSection({ brokers: ['k:9093'], ssl: { caFile: 'ca.pem' } })).toEqual({
      section: { brokers: ['k:9093'], ssl: { caFile: 'ca.pem' } },
      other: {},
      errors: [],
    })
  })

  it('names every bad field, never showing a passphrase', () => {
    expect(parse('yes').errors).toEqual([
      'kafka.ssl must be true, false or an object (caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized), received "yes"',
    ])
    const r = parse({
      caFile: '',
      certFile: 3,
      passphrase: { value: 'hunter2-passphrase' },
      rejectUnauthorized: 'no',
      ca: '-----BEGIN CERTIFICATE-----',
    })
    expect(r.value).toBeUndefined()
    expect(r.errors).toEqual([
      'kafka.ssl.caFile must be a non-empty string, received ""',
      'kafka.ssl.certFile must be a non-empty string, received 3',
      'kafka.ssl.passphrase must be a string, { "env": NAME } or { "file": PATH }',
      'kafka.ssl.rejectUnauthorized must be true or false, received "no"',
      'unknown field kafka.ssl.ca (known: caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized)',
      'kafka.ssl.keyFile is required with kafka.ssl.certFile',
      'kafka.ssl.passphrase needs kafka.ssl.keyFile',
    ])
    expect(r.errors.join('\n')).not.toContain('hunter2')
    expect(parse({ keyFile: 'k.pem' }).errors).toEqual([
      'kafka.ssl.certFile is required with kafka.ssl.keyFile',
    ])
    expect(parseKafkaSection({ ssl: 1 }, { field: 'sources[0].kafka' }).errors).toEqual([
      'sources[0].kafka.ssl must be true, false or an object (caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized), received 1',
    ])
  })
})

describe('resolveKafkaTls', () => {
  it('passes true and false through, and reads the files and the passphrase into TLS options', () => {
    expect(resolveKafkaTls(true, { env: {} })).toEqual({ ssl: true, secrets: [], errors: [] })
    expect(resolveKafkaTls(undefined, { env: {} })).toEqual({ ssl: false, secrets: [], errors: [] })
    const r = resolveKafkaTls(
      {
        caFile: 'test-ca.pem',
        certFile: files.clientCert,
        keyFile: files.clientKey,
        passphrase: { env: 'KEY_PASS' },
        servername: 'localhost',
      },
      { env: { KEY_PASS: files.passphrase }, baseDir: files.dir },
    )
    expect(r.errors).toEqual([])
    const ssl = r.ssl as Record<string, unknown>
    expect(Object.keys(ssl).sort()).toEqual([
      'ca',
      'cert',
      'key',
      'passphrase',
      'rejectUnauthorized',
      'servername',
    ])
    expect(ssl.rejectUnauthorized).toBe(true)
    expect(String(ssl.ca)).toMatch(/^-----BEGIN CERTIFICATE-----/)
    expect(String(ssl.key)).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    // the key and the passphrase are handed back for the logger to blank
    expect(r.secrets).toEqual([ssl.key, files.passphrase])
    expect(kafkaTlsWarning(r.ssl)).toBeUndefined()
  })

  it('names the field and the path of a missing or non-PEM file, never a file content', () => {
    const notPem = join(files.dir, 'not-pem.txt')
    writeFileSync(notPem, 'secret-looking-content\n')
    const r = resolveKafkaTls(
      { caFile: join(files.dir, 'missing-ca.pem'), certFile: notPem, keyFile: files.clientKey },
      { env: {} },
    )
    expect(r.ssl).toBe(false)
    expect(r.errors).toEqual([
      `kafka.ssl.caFile: cannot read ${join(files.dir, 'missing-ca.pem')}: ENOENT`,
      `kafka.ssl.certFile: ${notPem} is not a PEM file (no "-----BEGIN" line)`,
    ])
    expect(r.errors.join('\n')).not.toContain('secret-looking-content')
  })

  it('a passphrase that is unset or wrong fails the start, naming the fields, not the passphrase', () => {
    const unset = resolveKafkaTls(
      { certFile: files.clientCert, keyFile: files.clientKey, passphrase: { env: 'NOT_SET' } },
      { env: {}, field: 'kafka.ssl' },
    )
    expect(unset.errors).toEqual(['kafka.ssl.passphrase: environment variable NOT_SET is not set'])
    const wrong = resolveKafkaTls(
      { certFile: files.clientCert, keyFile: files.clientKey, passphrase: `${files.passphrase}-x` },
      { env: {} },
    )
    expect(wrong.ssl).toBe(false)
    expect(wrong.errors).toHaveLength(1)
    expect(wrong.errors[0]).toContain(
      `kafka.ssl: the TLS files cannot be used together (kafka.ssl.certFile ${files.clientCert}, kafka.ssl.keyFile ${files.clientKey}, kafka.ssl.passphrase): `,
    )
    expect(wrong.errors[0]).not.toContain(files.passphrase)
    expect(wrong.errors[0]).not.toContain('PRIVATE KEY')
    // a certificate with another certificate's key
    const mismatch = resolveKafkaTls(
      { certFile: files.serverCert, keyFile: files.clientKey, passphrase: files.passphrase },
      { env: {} },
    )
    expect(mismatch.errors[0]).toMatch(/cannot be used together .*: .*key values mismatch/)
  })

  it('names a field as the caller calls it when its value came from the environment', () => {
    const names = { caFile: 'KAFKA_SSL_CA_FILE', keyFile: 'KAFKA_SSL_KEY_FILE' }
    const errors: string[] = []
    parseKafkaTls({ keyFile: 'k.pem' }, 'kafka.ssl', errors, names)
    expect(errors).toEqual(['kafka.ssl.certFile is required with KAFKA_SSL_KEY_FILE'])
    const missing = join(files.dir, 'nope.pem')
    expect(resolveKafkaTls({ caFile: missing }, { env: {}, names }).errors).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${missing}: ENOENT`,
    ])
  })

  it('warns loudly when certificates are not verified', () => {
    const r = resolveKafkaTls({ rejectUnauthorized: false }, { env: {} })
    expect(r.ssl).toEqual({ rejectUnauthorized: false })
    expect(kafkaTlsWarning(r.ssl)).toMatch(/^kafka\.ssl\.rejectUnauthorized is false: .*NOT verified/)
    expect(kafkaTlsWarning(true)).toBeUndefined()
    expect(kafkaTlsWarning(r.ssl, 'KAFKA_SSL_REJECT_UNAUTHORIZED')).toMatch(
      /^KAFKA_SSL_REJECT_UNAUTHORIZED is false/,
    )
  })
})

/** A TLS server that asks for a client certificate signed by the test CA. */
async function tlsServer() {
  const seen: Array<{ authorized: boolean; clientCn: string }> = []
  const server = createServer(
    {
      cert: readFileSync(files.serverCert),
      key: readFileSync(files.serverKey),
      ca: readFileSync(files.ca),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket: TLSSocket) => {
      const peer = socket.getPeerCertificate()
      seen.push({ authorized: socket.authorized, clientCn: String(peer?.subject?.CN) })
      // the client resolves on this byte: by then the server has recorded what it saw
      socket.end('k')
    },
  )
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { port, seen, close: () => new Promise((resolve) => server.close(resolve)) }
}

function handshake(port: number, options: object, host = '127.0.0.1') {
  return new Promise<{ authorized: boolean }>((resolve, reject) => {
    const socket = connect({ host, port, ...options }, () => {
      socket.once('data', () => {
        resolve({ authorized: socket.authorized })
        socket.end()
      })
    })
    socket.on('error', reject)
  })
}

describe('the resolved options on a TLS connection', () => {
  it('verify the broker against the private CA and present the client certificate', async () => {
    const server = await tlsServer()
    try {
      const { ssl } = resolveKafkaTls(
        {
          caFile: files.ca,
          certFile: files.clientCert,
          keyFile: files.clientKey,
          passphrase: files.passphrase,
        },
        { env: {} },
      )
      expect(await handshake(server.port, ssl as object, 'localhost')).toEqual({ authorized: true })
      expect(server.seen).toEqual([{ authorized: true, clientCn: 'client' }])

      // the system CAs do not know the private CA
      await expect(handshake(server.port, { rejectUnauthorized: true }, 'localhost')).rejects.toMatchObject({
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      })
    } finally {
      await server.close()
    }
  })

  it('fail with a clear error when the CA is another one, or the name does not match', async () => {
    const server = await tlsServer()
    try {
      const wrongCa = resolveKafkaTls({ caFile: files.otherCa }, { env: {} })
      await expect(handshake(server.port, wrongCa.ssl as object, 'localhost')).rejects.toMatchObject({
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
        message: 'self-signed certificate in certificate chain',
      })
      const otherName = resolveKafkaTls({ caFile: files.ca, servername: 'kafka.example.com' }, { env: {} })
      await expect(handshake(server.port, otherName.ssl as object, 'localhost')).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      })
    } finally {
      await server.close()
    }
  })
})
