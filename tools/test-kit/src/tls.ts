// For tests of TLS settings (Kafka's kafka.ssl): no broker of the stack speaks TLS.
// A private CA, a broker certificate for localhost/127.0.0.1 and a client certificate whose
// key is encrypted with a passphrase, made with the openssl CLI into a fresh directory; plus
// a second CA that signed nothing here, to play the wrong CA.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { registerCleanup } from './cleanup.ts'

export interface TlsFiles {
  dir: string
  ca: string
  otherCa: string
  serverCert: string
  serverKey: string
  clientCert: string
  /** Encrypted with `passphrase`. */
  clientKey: string
  passphrase: string
  remove(): void
}

export function makeTlsFiles(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'sync-tls-'))
  const p = (name: string) => join(dir, name)
  const passphrase = `key-pass-${process.pid}-never-shown`
  const ssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, KEY_PASS: passphrase } })
  const ca = (name: string) =>
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      p(`${name}.key`),
      '-out',
      p(`${name}.pem`),
    )
  ca('test-ca')
  ca('other-ca')
  const signed = (name: string, ext: string, keyArgs: string[]) => {
    writeFileSync(p(`${name}.ext`), ext)
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      ...keyArgs,
      '-subj',
      `/CN=${name}`,
      '-keyout',
      p(`${name}.key`),
      '-out',
      p(`${name}.csr`),
    )
    ssl(
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('test-ca.pem'),
      '-CAkey',
      p('test-ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      p(`${name}.ext`),
      '-out',
      p(`${name}.pem`),
    )
  }
  signed('broker', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', ['-nodes'])
  signed('client', 'extendedKeyUsage=clientAuth\n', ['-passout', 'env:KEY_PASS'])
  return {
    dir,
    ca: p('test-ca.pem'),
    otherCa: p('other-ca.pem'),
    serverCert: p('broker.pem'),
    serverKey: p('broker.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    passphrase,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface TlsConnectionSeen {
  /** The client presented a certificate the listener's CA signed. */
  authorized: boolean
  /** Common name of the client's certificate ('' without one). */
  clientCn: string
  /** The first decrypted bytes the client sent. */
  firstBytes: Buffer
}

/**
 * A TLS listener on 127.0.0.1 with `files`' broker certificate, asking for a client
 * certificate signed by the test CA: it records each handshake and the first decrypted bytes
 * (a Kafka client's ApiVersions request), then hangs up. Closed at the test's cleanup.
 */
export async function startTlsListener(files: TlsFiles) {
  const seen: TlsConnectionSeen[] = []
  const sockets = new Set<TLSSocket>()
  const server = createTlsServer(
    {
      cert: readFileSync(files.serverCert),
      key: readFileSync(files.serverKey),
      ca: readFileSync(files.ca),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket) => {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
      socket.once('data', (chunk: Buffer) => {
        const cn = socket.getPeerCertificate()?.subject?.CN
        seen.push({
          authorized: socket.authorized,
          clientCn: cn === undefined ? '' : String(cn),
          firstBytes: chunk,
        })
        socket.destroy()
      })
    },
  )
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  registerCleanup(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const port = (server.address() as AddressInfo).port
  return { port, broker: `localhost:${port}`, seen }
}
