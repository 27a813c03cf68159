// The command table. A new command is one file in this directory and one line below.
import type { Command } from '../cli/command.ts'
import { genCommand } from './gen.ts'

export const commands: readonly Command[] = [
  genCommand,
]
