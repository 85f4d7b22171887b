// Permission codes as the server matches them (internal/domain/permission.go): codes are
// system:resource:action with one to eight segments of lower-case letters, digits, _ . - or
// the wildcard '*'. "*" alone grants everything; a '*' in the middle matches exactly one
// segment; a '*' at the end matches one or more. The console only hides what the server would
// refuse anyway: the server checks every request itself.

export const maxPermissionLen = 256
export const maxPermissionSegments = 8

function validSegment(s: string): boolean {
  return s === '*' || /^[a-z0-9_.-]+$/.test(s)
}

/** validPermission reports whether the server would accept code as a permission code. */
export function validPermission(code: string): boolean {
  if (code === '' || code.length > maxPermissionLen) return false
  const segs = code.split(':')
  return segs.length <= maxPermissionSegments && segs.every(validSegment)
}

function matches(pattern: string[], required: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (i >= required.length) return false // required is shorter than the pattern
    const ps = pattern[i]
    if (ps === '*' && i === pattern.length - 1) return true // trailing wildcard: one or more
    if (ps !== '*' && ps !== required[i]) return false
  }
  return pattern.length === required.length
}

/** allows reports whether any of codes grants required (a concrete code). */
export function allows(codes: readonly string[], required: string): boolean {
  if (!validPermission(required)) return false
  const req = required.split(':')
  for (const c of codes) {
    if (!validPermission(c)) continue
    if (c === '*') return true
    if (matches(c.split(':'), req)) return true
  }
  return false
}

/** Permission codes of the admin API (docs/admin-api.md). */
export const Perm = {
  usersRead: 'gatehouse:users:read',
  usersWrite: 'gatehouse:users:write',
  systemsRead: 'gatehouse:systems:read',
  systemsWrite: 'gatehouse:systems:write',
  sessionsRead: 'gatehouse:sessions:read',
  sessionsRevoke: 'gatehouse:sessions:revoke',
  auditRead: 'gatehouse:audit:read',
  statsRead: 'gatehouse:stats:read',
} as const

export type SectionId = 'dashboard' | 'users' | 'roles' | 'systems' | 'sessions' | 'audit'

export interface Section {
  id: SectionId
  path: string
  read: string
}

/** sections of the console in navigation order, each with the code that shows it. */
export const sections: readonly Section[] = [
  { id: 'dashboard', path: '/admin/dashboard', read: Perm.statsRead },
  { id: 'users', path: '/admin/users', read: Perm.usersRead },
  { id: 'roles', path: '/admin/roles', read: Perm.systemsRead },
  { id: 'systems', path: '/admin/systems', read: Perm.systemsRead },
  { id: 'sessions', path: '/admin/sessions', read: Perm.sessionsRead },
  { id: 'audit', path: '/admin/audit', read: Perm.auditRead },
]

/** visibleSections are the sections that codes allow reading. */
export function visibleSections(codes: readonly string[]): Section[] {
  return sections.filter((s) => allows(codes, s.read))
}
