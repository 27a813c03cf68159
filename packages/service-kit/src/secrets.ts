import { readFileSync } from 'node:fs'

/**
 * A secret given in configuration as one of:
 *   "literal"                  the value itself (discouraged outside local stacks)
 *   { "env": "NAME" }          read from an environment variable
 *   { "file": "/run/secret" }  read from a file (trailing newline dropped)
 */
export type SecretRef = string | { env: string } | { file: string }

export class SecretError extends Error {
  override readonly name = 'SecretError'
  readonly code = 'SVC_SECRET'
  readonly retriable = false
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
  }
}

export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v === 'string') return true
  if (typeof v !== 'object' || v === null) return false
  const keys = Object.keys(v)
  return (
    keys.length === 1 &&
    ((keys[0] === 'env' && typeof (v as { env: unknown }).env === 'string') ||
      (keys[0] === 'file' && typeof (v as { file: unknown }).file === 'string'))
  )
}

/** Resolves a secret; errors name the field and where it looked, never the value. */
export function resolveSecret(ref: SecretRef, field: string, env: NodeJS.ProcessEnv): string {
  if (typeof ref === 'string') return ref
  if ('env' in ref) {
    const v = env[ref.env]
    if (v === undefined || v === '')
      throw new SecretError(`${field}: environment variable ${ref.env} is not set`, field)
    return v
  }
  try {
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '')
  } catch (err) {
    throw new SecretError(
      `${field}: cannot read secret file ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      field,
    )
  }
}
