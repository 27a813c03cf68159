// The process-backed CommandContext used by main.ts; tests build their own (test/helpers).
import type { CommandContext } from './cli/command.ts'
import { createOutput } from './cli/output.ts'

async function* lines(stream: NodeJS.ReadableStream): AsyncIterable<string> {
  let rest = ''
  stream.setEncoding('utf8')
  for await (const chunk of stream) {
    rest += chunk as string
    let nl = rest.indexOf('\n')
    while (nl !== -1) {
      yield rest.slice(0, nl).replace(/\r$/, '')
      rest = rest.slice(nl + 1)
      nl = rest.indexOf('\n')
    }
  }
  if (rest !== '') yield rest.replace(/\r$/, '')
}

export function processContext(signal: AbortSignal): CommandContext {
  return {
    env: process.env,
    out: createOutput({
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    }),
    stdinLines: () => lines(process.stdin),
    async stdinText() {
      let text = ''
      for await (const l of lines(process.stdin)) text += `${l}\n`
      return text
    },
    interactive: process.stderr.isTTY === true,
    now: () => Date.now(),
    signal,
  }
}
