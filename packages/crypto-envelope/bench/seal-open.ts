// Seal/open throughput of @sync/crypto-envelope against a naive implementation measured in
// the same run. Run: pnpm --filter @sync/crypto-envelope bench   (or pnpm exec tsx bench/seal-open.ts [ms])
//
// Rows are JSON text holding a little Chinese (so V8 stores them as two-byte strings, as a
// real row with any CJK character is), padded to 250 B, 64 KiB or 1 MiB of UTF-8. GB/s counts
// plaintext: those UTF-8 bytes sealed or opened per second, in units of 10^9 bytes. Each
// figure sits next to what Node alone does with the same bytes (AES-GCM, UTF-8 and hex
// encoding) in the same interleaved rounds, since the machine is shared.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { createEnvelopeCipher, generateKey } from '../src/index.ts'

const hexKey = generateKey(256)
const cipher = createEnvelopeCipher({ key: hexKey })
// every seal by Node's AES-GCM, a cipher object per row (what table GCM replaces for short rows)
const nodeCipher = createEnvelopeCipher({ key: hexKey, fastSeal: false })
const budgetMs = Number(process.argv[2] ?? 1500)
const loadAtStart = loadavg()[0] ?? 0
const rounds = 10

// What a straightforward port of the Python/Java code does on every message.
function naiveSeal(plaintext: string): string {
  const key = Buffer.from(hexKey, 'hex')
  const nonce = randomBytes(16)
  const c = createCipheriv('aes-256-gcm', key, nonce)
  const body = Buffer.concat([c.update(Buffer.from(plaintext, 'utf8')), c.final()])
  return JSON.stringify({
    nonce: nonce.toString('hex'),
    ciphertext: body.toString('hex') + c.getAuthTag().toString('hex'),
  })
}
function naiveOpen(value: string): string {
  const { nonce, ciphertext } = JSON.parse(value) as { nonce: string; ciphertext: string }
  const data = Buffer.from(ciphertext, 'hex')
  const d = createDecipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), Buffer.from(nonce, 'hex'))
  d.setAuthTag(data.subarray(data.length - 16))
  return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8')
}

// Best of many short rounds, alternating between the functions compared, so a noisy
// neighbour on a shared machine hits both sides alike.
function best(...fns: Array<() => void>): number[] {
  const rates = fns.map(() => 0)
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      rates[i] = Math.max(rates[i] ?? 0, rate(fn, budgetMs / rounds))
    })
  }
  return rates
}

function rate(fn: () => void, ms: number): number {
  // warm up: 200 calls, or a fifth of the round for slow ones
  const warm = process.hrtime.bigint()
  for (let i = 0; i < 200 && Number(process.hrtime.bigint() - warm) / 1e6 < ms / 5; i++) fn()
  let n = 0
  let batch = 1
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) fn()
    n += batch
    batch = Math.min(batch * 2, 1000)
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  return (n * 1000) / elapsed
}

function row(bytes: number): string {
  const base = JSON.stringify({
    id: 918273,
    name: '张三',
    city: 'Shanghai',
    amount: '1024.50',
    __op: 0,
    note: '',
  })
  return base.replace('"note":""', `"note":"${'n'.repeat(bytes - Buffer.byteLength(base))}"`)
}

const small = row(250)
const sealedSmall = cipher.sealToJson(small)
const naiveSealedSmall = naiveSeal(small)
const results: Array<[string, string]> = []
const perSec = (x: number) => `${Math.round(x).toLocaleString('en-US')} /s`

const smallBytes = Buffer.from(sealedSmall)
const key = createSecretKey(Buffer.from(hexKey, 'hex'))
// Node's own per-message work, with nothing around it: the floor under any implementation
// that calls createCipheriv/createDecipheriv once per message (a GCM object allows no reuse;
// table GCM, sealing's default, makes none per row)
const smallPlain = Buffer.from(small)
const fixedNonce = randomBytes(16)
const smallEnc = createCipheriv('aes-256-gcm', key, fixedNonce)
const smallBody = Buffer.concat([smallEnc.update(smallPlain), smallEnc.final()])
const smallTag = smallEnc.getAuthTag()
const [seal = 0, naiveSealRate = 1, gcmSealSmall = 1, sealNode = 0] = best(
  () => cipher.sealToJson(small),
  () => naiveSeal(small),
  () => {
    const c = createCipheriv('aes-256-gcm', key, fixedNonce)
    c.update(smallPlain)
    c.final()
    c.getAuthTag()
  },
  () => nodeCipher.sealToJson(small),
)
const [open = 0, naiveOpenRate = 1, openBytes = 0, gcmOpenSmall = 1] = best(
  () => cipher.openToString(sealedSmall),
  () => naiveOpen(naiveSealedSmall),
  () => cipher.open(smallBytes),
  () => {
    const d = createDecipheriv('aes-256-gcm', key, fixedNonce)
    d.setAuthTag(smallTag)
    d.update(smallBody)
    d.final()
  },
)
const micros = (x: number) => `${(1e6 / x).toFixed(2)} µs each`
results.push(
  [
    `seal ${Buffer.byteLength(small)} B row (sealToJson)`,
    `${perSec(seal)}  (${(seal / naiveSealRate).toFixed(2)}x naive)`,
  ],
  [
    `seal ${Buffer.byteLength(small)} B row, fastSeal: false`,
    `${perSec(sealNode)}  (${(sealNode / naiveSealRate).toFixed(2)}x naive)`,
  ],
  ['  naive seal (same run)', perSec(naiveSealRate)],
  ['  Node cipher calls alone', `${perSec(gcmSealSmall)}  (${micros(gcmSealSmall)})`],
  [
    'open 250 B row (openToString, JSON text)',
    `${perSec(open)}  (${(open / naiveOpenRate).toFixed(2)}x naive)`,
  ],
  ['open 250 B row (open, message bytes)', perSec(openBytes)],
  ['  naive open (same run)', `${perSec(naiveOpenRate)}  (${micros(naiveOpenRate)})`],
  [
    '  Node decipher calls alone',
    `${perSec(gcmOpenSmall)}  (${micros(gcmOpenSmall)}; ${(gcmOpenSmall / naiveOpenRate).toFixed(2)}x naive is the ceiling)`,
  ],
)

for (const size of [64 * 1024, 1024 * 1024]) {
  const payload = row(size)
  const payloadBytes = Buffer.from(payload)
  const value = cipher.sealToJson(payload)
  const valueBytes = cipher.sealToBytes(payload)
  // the same payload encrypted once, for AES-GCM decryption alone
  const nonceRef = randomBytes(16)
  const encRef = createCipheriv('aes-256-gcm', key, nonceRef)
  const bodyRef = Buffer.concat([encRef.update(payloadBytes), encRef.final()])
  const tagRef = encRef.getAuthTag()
  // room for the worst case, as the cipher encodes a long string row (src/utf8-scratch.ts)
  const utf8Room = Buffer.allocUnsafe(3 * payload.length)
  // GB/s counts plaintext: size bytes (the row's UTF-8) per seal or open, in units of 10^9 bytes
  const gbps = (x: number) => `${((x * size) / 1e9).toFixed(2)} GB/s`
  const [
    sealedFromBytes = 0,
    sealedFromString = 0,
    sealedJson = 0,
    openedBytes = 0,
    openedText = 0,
    naiveSealed = 0,
    naiveOpened = 0,
    gcmOnly = 0,
    gcmOpenOnly = 0,
    utf8Only = 0,
    hexOnly = 0,
  ] = best(
    () => cipher.sealToBytes(payloadBytes),
    () => cipher.sealToBytes(payload),
    () => cipher.sealToJson(payload),
    () => cipher.open(valueBytes),
    () => cipher.open(value),
    () => naiveSeal(payload),
    () => naiveOpen(value),
    () => {
      const c = createCipheriv('aes-256-gcm', key, randomBytes(16))
      c.update(payloadBytes)
      c.final()
      c.getAuthTag()
    },
    () => {
      const d = createDecipheriv('aes-256-gcm', key, nonceRef)
      d.setAuthTag(tagRef)
      d.update(bodyRef)
      d.final()
    },
    () => utf8Room.write(payload, 0, 'utf8'),
    () => payloadBytes.toString('hex'),
  )
  const of = (x: number, alone: number, what: string) =>
    `${gbps(x)}  (${Math.round((100 * x) / alone)}% of ${what} alone)`
  const kib = `${size / 1024} KiB`
  results.push(
    [`seal ${kib} (sealToBytes, bytes in)`, of(sealedFromBytes, gcmOnly, 'encryption')],
    [`seal ${kib} (sealToBytes, string in)`, gbps(sealedFromString)],
    [`seal ${kib} (sealToJson, string in)`, gbps(sealedJson)],
    [`open ${kib} (open, message bytes)`, of(openedBytes, gcmOpenOnly, 'decryption')],
    [`open ${kib} (open, JSON text)`, gbps(openedText)],
    [`  naive seal ${kib} (string in)`, gbps(naiveSealed)],
    [`  naive open ${kib}`, gbps(naiveOpened)],
    [`  AES-GCM encryption alone ${kib}`, gbps(gcmOnly)],
    [`  AES-GCM decryption alone ${kib}`, gbps(gcmOpenOnly)],
    [`  UTF-8 encoding of the string alone ${kib}`, gbps(utf8Only)],
    [`  Node hex encoding alone ${kib}`, gbps(hexOnly)],
  )
}

console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), best of ${rounds} interleaved rounds, ${budgetMs} ms per line`,
)
console.log(
  'GB/s = plaintext bytes sealed or opened per second / 10^9 (the message value is about twice that: hex)',
)
console.log(
  `load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`,
)
for (const [name, value] of results) console.log(`${name.padEnd(46)} ${value}`)
