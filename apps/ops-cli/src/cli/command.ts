// The shape of one command of the command table (src/commands/index.ts).
import type { ParseArgsConfig } from 'node:util'
import type { Output } from './output.ts'

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>
export type FlagValue = string | boolean | Array<string | boolean> | undefined
export type FlagValues = Record<string, FlagValue>

export interface CommandInput {
  values: FlagValues
  positionals: string[]
}

/** Everything a command may touch besides its flags; tests pass their own. */
export interface CommandContext {
  env: Readonly<Record<string, string | undefined>>
  out: Output
  /** Lines of standard input (without line terminators). */
  stdinLines(): AsyncIterable<string>
  /** Whole standard input as text. */
  stdinText(): Promise<string>
  /** Whether stderr is a terminal (progress bars redraw in place only then). */
  interactive: boolean
  now(): number
  signal: AbortSignal
}

export interface Command {
  name: string
  /** One line, shown in the command list. */
  summary: string
  /** Usage lines without the program name, e.g. `envelope decrypt [--key-file PATH]`. */
  usage: string[]
  /** Extra help paragraphs. */
  details?: string[]
  options: OptionSpecs
  /** Help text per option (name → text). */
  optionHelp: Record<string, string>
  examples: string[]
  /** Returns the exit code; throws CliError for user errors. */
  run(input: CommandInput, ctx: CommandContext): Promise<number>
}
