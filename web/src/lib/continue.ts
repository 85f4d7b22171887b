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

/**
 * asksForFreshSignIn reports whether target is a protocol entry point — /sso/login, /cas/login,
 * /oidc/… — which checks the session itself and sends a browser that has one to the sign-in
 * page only to ask for a new sign-in (CAS renew, OpenID Connect prompt=login or max_age). The
 * sign-in page then asks instead of continuing at once: continuing would skip the new sign-in
 * (renew) or come straight back (OpenID Connect), a loop.
 */
export function asksForFreshSignIn(target: string, base = ''): boolean {
  const path = target.slice(base.length).split(/[?#]/)[0]
  return path === '/sso/login' || path === '/cas/login' || path === '/oidc' || path.startsWith('/oidc/')
}

const loopKey = 'gatehouse.autoContinue'

/**
 * autoContinueAllowed guards against redirect loops: the sign-in page continues a signed-in
 * browser at once to the same target at most once in ten seconds (remembered in
 * sessionStorage, so per tab). now is Date.now().
 */
export function autoContinueAllowed(target: string, now: number, storage: Storage | undefined = globalThis.sessionStorage): boolean {
  try {
    const last = JSON.parse(storage?.getItem(loopKey) ?? 'null') as { target?: string; at?: number } | null
    if (last && last.target === target && typeof last.at === 'number' && now - last.at >= 0 && now - last.at < 10_000) {
      return false
    }
    storage?.setItem(loopKey, JSON.stringify({ target, at: now }))
  } catch {
    /* storage disabled or garbled: allow */
  }
  return true
}
