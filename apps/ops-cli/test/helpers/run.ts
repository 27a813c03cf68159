// Runs the CLI in-process, as main.ts does, with captured output and a given env and stdin.
import type { CommandContext } from '../../src/cli/command.ts'
import { createOutput } from '../../src/cli/output.ts'
import { runCli } from '../../src/cli/run-cli.ts'
import { commands } from '../../src/commands/index.ts'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON. */
  json<T = unknown>(): T
}

export async function runOps(
  argv: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const input = options.stdin ?? ''
  const ctx: CommandContext = {
    env: options.env ?? {},
    out: createOutput({
      stdout: (t) => {
        stdout += t
      },
      stderr: (t) => {
        stderr += t
      },
    }),
    async *stdinLines() {
      const lines = input.split('\n')
      if (lines[lines.length - 1] === '') lines.pop()
      yield* lines
    },
    stdinText: async () => input,
    interactive: false,
    now: () => Date.now(),
    signal: new AbortController().signal,
  }
  const code = await runCli(argv, commands, ctx)
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T }
}
