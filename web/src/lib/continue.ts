// Where the sign-in page may send the browser afterwards. Mirrors the server's
// ssoapi.SafeContinue and is stricter: the value and every decoding of it must be a path on
// this site — one '/' followed by anything but '/' or '\' (browsers read "//host" and "/\host"
// as another host), no control characters, no backslash, no scheme — and it must resolve to
// this origin.

const maxLength = 4096

function plainPath(s: string): boolean {
  if (s.length === 0 || s[0] !== '/') return false
  if (s.length > 1 && (s[1] === '/' || s[1] === '\\')) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x5c) return false
  }
  return true
}

/**
 * safeContinue returns raw when it is a same-origin path, else null. origin is the page's
 * origin (location.origin). Decoding is repeated (up to four times) so that "%2F%2Fevil.test"
 * and "/%5Cevil.test" are judged by what a server or browser might make of them.
 */
export function safeContinue(raw: string | null | undefined, origin: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > maxLength) return null
  let s = raw
  for (let i = 0; i < 4; i++) {
    if (!plainPath(s)) return null
    let d: string
    try {
      d = decodeURIComponent(s)
    } catch {
      return null // malformed escapes
    }
    if (d === s) break
    s = d
  }
  if (!plainPath(s)) return null
  try {
    const u = new URL(raw, origin)
    if (u.origin !== origin) return null
  } catch {
    return null
  }
  return raw
}

/**
 * needsFullNavigation reports whether target is served by the server rather than by this
 * single-page app (SSO, CAS and OpenID Connect continuation URLs, the API): those are
 * followed with location.assign, everything else through the router.
 */
export function needsFullNavigation(target: string, base = ''): boolean {
  const p = target.slice(base.length)
  const spa = ['/login', '/account', '/admin']
  const path = p.split(/[?#]/)[0]
  return !spa.some((s) => path === s || path.startsWith(s + '/'))
}
