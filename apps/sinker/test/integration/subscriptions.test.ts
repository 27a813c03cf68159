// What the sinker consumes and can open: topics matched by `kafka.topicPattern` (and not the
// others), and envelopes sealed under two key ids (`keys` + `activeKid`, key rotation).
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTestTopic, uniqueName, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  encoderFor,
  groupName,
  orderNames as names,
  rawConfig,
  orderRow as row,
  runSinker,
  startOrdersTarget,
  testKey,
  upsert,
} from './harness.ts'

describe('subscriptions and keys', () => {
  it('consumes every topic kafka.topicPattern matches, and no other', async () => {
    const { emu, database, dlq, producer } = await startOrdersTarget('sink-pat')
    const { key, cipher } = testKey()
    const enc = encoderFor(cipher)
    const prefix = uniqueName('pat')
    const matched = [await createTestTopic(`${prefix}_in`, 2), await createTestTopic(`${prefix}_in`, 1)]
    const other = await createTestTopic(`${prefix}_out`, 1)
    await producer.send({ topic: matched[0]!, messages: [enc.encode(upsert(row(1, 'first')))] })
    await producer.send({ topic: matched[1]!, messages: [enc.encode(upsert(row(2, 'second')))] })
    await producer.send({ topic: other, messages: [enc.encode(upsert(row(3, 'not matched')))] })

    const raw = rawConfig({ emu, database, key, topics: [], dlq, groupId: groupName() })
    raw.kafka = { ...(raw.kafka as object), topics: [], topicPattern: `^${prefix}_in_` }
    raw.topicToTable = {}
    // unmapped topics load into their `sync-target` header's table, else the topic name:
    // map the pattern's topics to orders, and the other one too (were it consumed)
    raw.topicToTable = Object.fromEntries([...matched, other].map((t) => [t, 'orders']))
    await runSinker(raw)
    await waitFor(async () => (await names(emu, database)).length === 2, {
      what: 'the rows of both matched topics',
      timeoutMs: 30_000,
    })
    // a last row on a matched topic proves the sinker is still consuming when we look
    await producer.send({ topic: matched[1]!, messages: [enc.encode(upsert(row(4, 'later')))] })
    await waitFor(async () => (await names(emu, database)).length === 3, {
      what: 'the later row',
      timeoutMs: 20_000,
    })
    expect(await names(emu, database)).toEqual(['1:first', '2:second', '4:later'])
  })

  it('opens envelopes of two key ids (keys + activeKid), and those without a kid with the active key', async () => {
    const { emu, database, dlq, producer } = await startOrdersTarget('sink-kids')
    const oldKey = generateKey(256)
    const newKey = generateKey(256)
    const sealedOld = encoderFor(createEnvelopeCipher({ key: oldKey, kid: 'k2024' }))
    const sealedNew = encoderFor(createEnvelopeCipher({ key: newKey, kid: 'k2025' }))
    // the deployed writers put no "kid" in the envelope
    const legacy = encoderFor(createEnvelopeCipher({ key: newKey }))
    const stranger = encoderFor(createEnvelopeCipher({ key: generateKey(256), kid: 'k1999' }))
    const topic = await createTestTopic('sink-kids', 1)
    const messages = [
      sealedOld.encode(upsert(row(1, 'old key'))),
      sealedNew.encode(upsert(row(2, 'new key'))),
      legacy.encode(upsert(row(3, 'no kid'))),
      stranger.encode(upsert(row(4, 'unknown kid'))),
      sealedOld.encode(upsert(row(5, 'old again'))),
    ]
    await producer.send({ topic, messages })

    const raw = rawConfig({ emu, database, key: testKey().key, topics: [topic], dlq, groupId: groupName() })
    delete raw.key
    raw.keys = { k2024: oldKey, k2025: newKey }
    raw.activeKid = 'k2025'
    const { app } = await runSinker(raw)
    await waitFor(async () => (await names(emu, database)).includes('5:old again'), {
      what: 'the row after the unknown kid',
      timeoutMs: 30_000,
    })
    expect(await names(emu, database)).toEqual(['1:old key', '2:new key', '3:no kid', '5:old again'])
    // the envelope under a key the sinker does not hold is a dead letter, not a silent skip
    await waitFor(() => /sync_sinker_dead_letters_total\{code="CM_/.test(app.registry.render()), {
      what: 'the dead letter counted',
      timeoutMs: 20_000,
    })
    expect(app.registry.render()).toMatch(/sync_sinker_dead_letters_total\{code="CM_[A-Z_]+"\} 1\n/)
  })
})
