import { createEnvelopeCipher, generateKey, isEnvelopeError } from '@sync/crypto-envelope'
import type { Command } from '../cli/command.ts'
import { bool, int, str } from '../cli/flags.ts'
import { keyGroup } from '../cli/option-groups.ts'
import { loadSettings, requireEnvelopeKey } from '../config.ts'
import { exitCodes, usageError } from '../errors.ts'

export const envelopeCommand: Command = {
  name: 'envelope',
  summary: 'Encrypt or decrypt message values line by line (stdin → stdout), or generate a key',
  usage: [
    'envelope decrypt [--key-file PATH]',
    'envelope encrypt [--key-file PATH] [--kid ID]',
    'envelope keygen [--bits 256]',
  ],
  details: [
    'decrypt reads one envelope ({"nonce":…,"ciphertext":…}) per line and prints its plaintext;',
    'a line that does not open is reported on stderr by line number and code (never its content),',
    'the others still print, and the exit code is 3. encrypt seals each line. Empty lines are skipped.',
  ],
  options: { ...keyGroup.options, kid: { type: 'string' }, bits: { type: 'string' } },
  optionHelp: {
    ...keyGroup.help,
    kid: 'encrypt: key id written as "kid" into each envelope',
    bits: 'keygen: 128, 192 or 256 (default 256)',
  },
  examples: [
    'kcat -C -b broker:9092 -t orders -o -10 -e -f "%s\\n" | sync-ops envelope decrypt --key-file /etc/sync/key',
    'echo \'{"id":1,"__op":0}\' | SYNC_ENVELOPE_KEY=… sync-ops envelope encrypt',
    'sync-ops envelope keygen > /etc/sync/key && chmod 600 /etc/sync/key',
  ],
  async run({ values, positionals }, ctx) {
    const [action, extra] = positionals
    if (extra !== undefined) throw usageError(`unexpected argument ${JSON.stringify(extra)}`)
    const json = bool(values, 'json')
    if (action === 'keygen') {
      const bits = int(values, 'bits') ?? 256
      if (bits !== 128 && bits !== 192 && bits !== 256)
        throw usageError(`--bits must be 128, 192 or 256, received ${bits}`)
      const key = generateKey(bits)
      if (json) ctx.out.json({ key, bits })
      else ctx.out.line(key)
      return exitCodes.ok
    }
    if (action !== 'encrypt' && action !== 'decrypt') {
      throw usageError(
        `envelope needs an action: encrypt, decrypt or keygen${action ? `, received ${JSON.stringify(action)}` : ''}`,
      )
    }
    const key = requireEnvelopeKey(loadSettings(values, ctx.env))
    ctx.out.addSecret(key)
    const kid = str(values, 'kid')
    const cipher = createEnvelopeCipher(kid ? { key, kid } : { key })
    let n = 0
    let failed = 0
    for await (const line of ctx.stdinLines()) {
      n += 1
      if (line.trim() === '') continue
      if (action === 'encrypt') {
        const value = cipher.sealToJson(line)
        ctx.out.line(json ? JSON.stringify({ line: n, value }) : value)
        continue
      }
      try {
        const plaintext = cipher.openToString(line)
        ctx.out.line(json ? `{"line":${n},"plaintext":${JSON.stringify(plaintext)}}` : plaintext)
      } catch (err) {
        if (!isEnvelopeError(err)) throw err
        failed += 1
        ctx.out.note(`line ${n}: cannot decrypt (${err.code})`)
      }
    }
    if (failed > 0) ctx.out.note(`${failed} of ${n} line(s) did not decrypt`)
    return failed > 0 ? exitCodes.checkFailed : exitCodes.ok
  },
}
