// Checks of the console's forms before they are sent, mirroring the server's rules
// (internal/domain: user.go, system.go, role.go) so that most mistakes are named next to
// their field at once. The server validates again and its answer is always shown.
import { t } from '../i18n'
import { validPermission } from './permissions'

/** FieldErrors maps a field name to a sentence; empty when the form is fine. */
export type FieldErrors = Record<string, string>

/** lines splits a textarea into its non-empty trimmed lines. */
export function lines(s: string): string[] {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

const usernameRe = /^[\p{L}\p{N}._\-@+]+$/u
const emailRe = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/
const systemIdRe = /^[a-z][a-z0-9_-]{0,62}$/
const roleNameRe = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

function hasControl(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true
  }
  return false
}

/** validEmail accepts a plain address (the server applies the exact rule). */
export function validEmail(s: string): boolean {
  return s.length <= 254 && emailRe.test(s)
}

/** checkURL returns "" for an absolute http(s) URL with a host and no fragment, else a sentence. */
export function checkURL(raw: string): string {
  if (raw.length > 2048 || /[\s\\]/.test(raw) || hasControl(raw)) return t('admin.v.url')
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return t('admin.v.url')
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.host || u.username || u.password || raw.includes('#')) {
    return t('admin.v.url')
  }
  return ''
}

function chars(s: string): number {
  return [...s].length
}

export function validateUserProfile(u: { display_name: string; email: string }): FieldErrors {
  const e: FieldErrors = {}
  if (chars(u.display_name) > 128 || hasControl(u.display_name)) e.display_name = t('admin.v.displayName')
  if (u.email !== '' && !validEmail(u.email)) e.email = t('admin.v.email')
  return e
}

/** validateNewUser checks a new user; minPassword is the policy's minimum length (0: unknown). */
export function validateNewUser(
  u: { username: string; display_name: string; email: string; password: string },
  minPassword = 0,
): FieldErrors {
  const e = validateUserProfile(u)
  const name = u.username.trim()
  if (name === '') e.username = t('admin.v.required')
  else if (chars(name) > 64 || !usernameRe.test(name)) e.username = t('admin.v.username')
  if (u.password !== '' && [...u.password].length < minPassword) e.password = t('admin.v.passwordShort', { n: minPassword })
  return e
}

export function validateRole(r: { name: string; description: string; permissions: string[]; system: string }): FieldErrors {
  const e: FieldErrors = {}
  if (!roleNameRe.test(r.name)) e.name = t('admin.v.roleName')
  if (new TextEncoder().encode(r.description).length > 512) e.description = t('admin.v.description')
  const bad = r.permissions.filter(
    (c) => !validPermission(c) || (r.system !== 'gatehouse' && c.split(':')[0] !== r.system),
  )
  if (bad.length) e.permissions = t('admin.v.permissions', { codes: bad.join(', '), system: r.system })
  return e
}

export interface SystemForm {
  id: string
  name: string
  redirect_uris: string[]
  logout_url: string
  post_logout_redirect_uris: string[]
  public?: boolean
  grant_types?: string[]
}

export function validateSystem(s: SystemForm, creating: boolean): FieldErrors {
  const e: FieldErrors = {}
  if (creating && !systemIdRe.test(s.id)) e.id = t('admin.v.systemId')
  if (s.name.trim() === '' || new TextEncoder().encode(s.name).length > 128) e.name = t('admin.v.required')
  const badRedirect = s.redirect_uris.find((u) => checkURL(u) !== '')
  if (badRedirect !== undefined) e.redirect_uris = `${badRedirect}: ${checkURL(badRedirect)}`
  if (s.logout_url !== '' && checkURL(s.logout_url) !== '') e.logout_url = checkURL(s.logout_url)
  const badPost = s.post_logout_redirect_uris.find((u) => checkURL(u) !== '')
  if (badPost !== undefined) e.post_logout_redirect_uris = `${badPost}: ${checkURL(badPost)}`
  if (s.public && s.grant_types?.includes('client_credentials')) e.grant_types = t('admin.v.publicCredentials')
  return e
}

/** firstInvalid is the id of the first field with an error, to move the focus there. */
export function firstInvalid(e: FieldErrors, order: readonly string[]): string | undefined {
  return order.find((f) => f in e)
}
