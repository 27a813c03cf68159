import { describe, expect, it } from 'vitest'
import { parseKafkaSection } from '../src/kafka-section.ts'

// the shipper's producer fields, as an app passes them
const shipperFields = ['compression', 'idempotent', 'worker']

describe('parseKafkaSection', () => {
  it("reads the shipper's section: connection fields parsed, the app's own fields handed back", () => {
    const r = parseKafkaSection(
      {
        brokers: ['k1:9093', 'k2:9093'],
        clientId: 'sync-shipper',
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'sync', password: { env: 'KAFKA_PASSWORD' } },
        compression: 'gzip',
        idempotent: false,
        connectionTimeoutMs: 10000,
        requestTimeoutMs: 30000,
      },
      { appFields: shipperFields },
    )
    expect(r.errors).toEqual([])
    expect(r.section).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      clientId: 'sync-shipper',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'sync', password: { env: 'KAFKA_PASSWORD' } },
      connectionTimeoutMs: 10000,
      requestTimeoutMs: 30000,
    })
    expect(r.other).toEqual({ compression: 'gzip', idempotent: false })
  })

  it('defaults the SASL mechanism to plain and leaves absent fields out', () => {
    const r = parseKafkaSection({ sasl: { username: 'u', password: 'p' } })
    expect(r).toEqual({
      section: { sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
      other: {},
      errors: [],
    })
  })

  it('names each bad field in input order, with the app fields among the known ones, never a secret', () => {
    const r = parseKafkaSection(
      {
        brokers: ['k:1', ''],
        ssl: 'yes',
        sasl: { mechanism: 'gssapi', username: '', password: { literal: 'hunter2' }, extra: 1 },
        requestTimeoutMs: 5,
        acks: -1,
      },
      { appFields: shipperFields },
    )
    expect(r.errors).toEqual([
      'kafka.brokers must be a non-empty array of "host:port" strings, received ["k:1",""]',
      'kafka.ssl must be true, false or an object (caFile, certFile, keyFile, passphrase, servername, rejectUnauthorized), received "yes"',
      'kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, received "gssapi"',
      'kafka.sasl.username must be a non-empty string, received ""',
      'kafka.sasl.password must be a string, { "env": NAME } or { "file": PATH }',
      'unknown field kafka.sasl.extra (known: mechanism, username, password)',
      'kafka.requestTimeoutMs must be an integer 100..600000 (milliseconds), received 5',
      'unknown field kafka.acks (known: brokers, clientId, ssl, sasl, connectionTimeoutMs, requestTimeoutMs, compression, idempotent, worker)',
    ])
    expect(r.errors.join()).not.toContain('hunter2')
    expect(r.section).toEqual({})
  })

  it('requires the SASL user and password, and names the section as the caller calls it', () => {
    expect(parseKafkaSection({ sasl: { username: 'u' } }).errors).toEqual([
      'kafka.sasl.password is required with kafka.sasl',
    ])
    expect(parseKafkaSection({ sasl: {} }, { field: 'sources[0].kafka' }).errors).toEqual([
      'sources[0].kafka.sasl.username is required with sources[0].kafka.sasl',
      'sources[0].kafka.sasl.password is required with sources[0].kafka.sasl',
    ])
    expect(parseKafkaSection(['k:1']).errors).toEqual(['kafka must be an object, received ["k:1"]'])
    expect(parseKafkaSection({ sasl: 'plain' }).errors).toEqual([
      'kafka.sasl must be an object, received "plain"',
    ])
  })
})
