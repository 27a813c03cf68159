export const EmulatorErrorCodes = {
  EMU_BAD_DDL: 'EMU_BAD_DDL',
  EMU_INVALID_OPTION: 'EMU_INVALID_OPTION',
  EMU_UNKNOWN_TABLE: 'EMU_UNKNOWN_TABLE',
} as const

export type EmulatorErrorCode = keyof typeof EmulatorErrorCodes

/** Errors the emulator's own API throws (protocol failures are load replies, not exceptions). */
export class EmulatorError extends Error {
  readonly retriable = false
  constructor(
    readonly code: EmulatorErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options)
    this.name = 'EmulatorError'
  }
}
