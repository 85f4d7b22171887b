import type { PasswordPolicy } from '../api/auth'

/** Problems a new password has against the policy, checked before asking the server. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'mismatch' | 'same' | 'control'

/** checkNewPassword mirrors the server's cheap checks; the server has the last word (common passwords, username). */
export function checkNewPassword(pw: string, confirm: string, old: string, policy: PasswordPolicy | null): PasswordProblem[] {
  const out: PasswordProblem[] = []
  const min = policy?.min_length ?? 1
  const max = policy?.max_length ?? 0
  if ([...pw].length < min) out.push('tooShort')
  if (max > 0 && new TextEncoder().encode(pw).length > max) out.push('tooLong')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pw)) out.push('control')
  if (pw && pw === old) out.push('same')
  if (pw !== confirm) out.push('mismatch')
  return out
}
