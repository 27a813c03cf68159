import { describe, expect, it } from 'vitest'
import { parseEnvelopeJson, SCAN_FROM, stringifyEnvelope } from '../src/envelope-json.ts'

// Differential: every accepted text must give what JSON.parse gives for the same text.
function viaJsonParse(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>
  return value.kid === undefined ? { nonce: value.nonce, ciphertext: value.ciphertext } : { ...pick(value) }
}
function pick(v: Record<string, unknown>) {
  return { nonce: v.nonce, ciphertext: v.ciphertext, kid: v.kid }
}

describe('parseEnvelopeJson', () => {
  const accepted = [
    '{"nonce":"00","ciphertext":"aa"}',
    '{"nonce": "00", "ciphertext": "aa"}',
    ' \r\n\t{ "ciphertext" : "AA" ,\n "nonce":"0F" } \n',
    '{"nonce":"00","ciphertext":"aa","kid":"k-1"}',
    '{"kid":"k\\"1","nonce":"00","ciphertext":"aa"}',
    '{"nonce":"00","nonce":"11","ciphertext":"aa"}',
    '{"nonce":"00","ciphertext":"aa","extra":{"a":[1,2,{"b":"}"}]},"n":-1.5e3,"t":true,"z":null}',
    '{"nonce":"\\u0030\\u0030","ciphertext":"aa"}',
    '{"nonce":"00","ciphertext":"aa","kid":"钥匙"}',
  ]
  // long values take the scanner, short ones JSON.parse: both must agree with JSON.parse
  const pad = ' '.repeat(SCAN_FROM)
  const long = 'ab'.repeat(SCAN_FROM)
  it.each(accepted)('reads %s as JSON.parse does, short and long', (text) => {
    expect(parseEnvelopeJson(text)).toEqual(viaJsonParse(text))
    expect(parseEnvelopeJson(pad + text)).toEqual(viaJsonParse(text))
    const longer = text.replace('"aa"', `"${long}"`)
    expect(parseEnvelopeJson(longer)).toEqual(viaJsonParse(longer))
  })

  const rejected: Array<[string, string]> = [
    ['', 'ENV_MALFORMED'],
    ['{"nonce":"00","ciphertext":"aa"', 'ENV_MALFORMED'],
    ['{"nonce":"00","ciphertext":"aa"}}', 'ENV_MALFORMED'],
    ['{"nonce":"00","ciphertext":"aa",}', 'ENV_MALFORMED'],
    ["{'nonce':'00','ciphertext':'aa'}", 'ENV_MALFORMED'],
    ['"just a string"', 'ENV_MALFORMED'],
    ['{"nonce":"00","ciphertext":["aa"]}', 'ENV_MALFORMED'],
    ['{"nonce":"00","ciphertext":"aa","kid":7}', 'ENV_MALFORMED'],
    ['{"nonce":"00"}', 'ENV_MISSING_FIELD'],
    ['{"nonce":null,"ciphertext":"aa"}', 'ENV_MISSING_FIELD'],
  ]
  it.each(rejected)('rejects %j with %s, short and long', (text, code) => {
    expect(() => parseEnvelopeJson(text)).toThrow(expect.objectContaining({ code }))
    expect(() => parseEnvelopeJson(pad + text)).toThrow(expect.objectContaining({ code }))
  })
})

describe('stringifyEnvelope', () => {
  it('writes compact JSON that JSON.parse reads back', () => {
    const text = stringifyEnvelope({ nonce: 'ab', ciphertext: 'cd', kid: 'a"b' })
    expect(JSON.parse(text)).toEqual({ nonce: 'ab', ciphertext: 'cd', kid: 'a"b' })
  })

  it('refuses fields that are not hex, so nothing can be injected', () => {
    expect(() => stringifyEnvelope({ nonce: 'ab", "x": "', ciphertext: 'cd' })).toThrow(
      expect.objectContaining({ code: 'ENV_BAD_HEX' }),
    )
  })
})
