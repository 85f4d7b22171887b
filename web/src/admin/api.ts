// Typed calls of the admin API (docs/admin-api.md), on the core fetch wrapper. Every list
// is paged by the server (offset, limit): the console never loads a whole list of users,
// sessions or audit events.
import { api } from '../api/client'

export interface AdminUser {
  id: string
  username: string
  display_name: string
  email?: string
  status: 'active' | 'disabled' | 'locked' | string
  created_at: string
  updated_at: string
  password_changed_at: string | null
  version: number
}

export interface Grant {
  role_id: string
  system: string
  role: string
  permissions: string[]
}

export interface OIDCSettings {
  public: boolean
  grant_types: string[]
  scopes: string[]
  id_token_alg: string
  post_logout_redirect_uris: string[]
}

export interface System {
  id: string
  name: string
  redirect_uris: string[]
  logout_url: string
  protocols: string[]
  oidc: OIDCSettings
  has_secret: boolean
  created_at: string
  updated_at: string
}

export interface Role {
  id: string
  system: string
  name: string
  description: string
  permissions: string[]
}

export interface AdminSession {
  id: string
  user_id: string
  username: string
  device_id: string
  ip: string
  user_agent: string
  created_at: string
  last_seen: string
  expires_at: string
  remember_me: boolean
  systems: string[]
  /** the administrator's own session */
  current?: boolean
}

export interface AuditEvent {
  id: number
  time: string
  type: string
  actor_id: string
  subject_id: string
  system: string
  ip: string
  session_id?: string
  user_agent?: string
  outcome?: string
  reason?: string
  details: Record<string, unknown> | null
}

export interface Page<T> {
  items: T[]
  total: number
  offset: number
  limit: number
}

export interface Bucket {
  start: string
  logins: number
  failures: number
  locks: number
}

export type StatsRange = '24h' | '7d' | '30d'

export interface Stats {
  buckets: Bucket[]
  totals: { users: number; systems: number; live_sessions: number }
}

export interface DeadLetter {
  id: string
  attempts: number
  enqueued_at: string
  last_error: string
  sid: string
  kind: string
}

export interface DeliveryReport {
  ready: number
  scheduled: number
  dead: number
  dead_letters: DeadLetter[]
}

export interface NewUser {
  username: string
  display_name: string
  email: string
  password?: string
}

export type SystemInput = Omit<System, 'created_at' | 'updated_at' | 'has_secret'>

const enc = encodeURIComponent

/** The grant routes answer {"grants": [...]}; a bare list is accepted as well. */
type GrantsAnswer = { grants: Grant[] } | Grant[]

function grantsOf(a: GrantsAnswer): Grant[] {
  return Array.isArray(a) ? a : (a?.grants ?? [])
}

export const adminApi = {
  users: (q: { q?: string; status?: string; offset: number; limit: number }, signal?: AbortSignal) =>
    api.get<Page<AdminUser>>('/api/admin/users', { query: q, signal }),
  createUser: (u: NewUser) => api.post<{ user: AdminUser; password?: string }>('/api/admin/users', u),
  user: (id: string) => api.get<{ user: AdminUser; grants: Grant[] }>(`/api/admin/users/${enc(id)}`),
  updateUser: (id: string, patch: Partial<Pick<AdminUser, 'display_name' | 'email' | 'status'>>) =>
    api.patch<AdminUser>(`/api/admin/users/${enc(id)}`, patch),
  resetPassword: (id: string, password?: string) =>
    api.post<{ password?: string }>(`/api/admin/users/${enc(id)}/password`, password ? { password } : {}),
  grant: (id: string, roleId: string) =>
    api.put<GrantsAnswer>(`/api/admin/users/${enc(id)}/roles/${enc(roleId)}`).then(grantsOf),
  revoke: (id: string, roleId: string) =>
    api.del<GrantsAnswer>(`/api/admin/users/${enc(id)}/roles/${enc(roleId)}`).then(grantsOf),
  userSessions: (id: string) => api.get<{ items: AdminSession[] }>(`/api/admin/users/${enc(id)}/sessions`),
  signOutEverywhere: (id: string) => api.del<{ ended: number }>(`/api/admin/users/${enc(id)}/sessions`),

  systems: () => api.get<{ items: System[] }>('/api/admin/systems'),
  system: (id: string) => api.get<System>(`/api/admin/systems/${enc(id)}`),
  createSystem: (s: SystemInput) => api.post<{ system: System; secret?: string }>('/api/admin/systems', s),
  updateSystem: (id: string, patch: Partial<SystemInput>) => api.patch<System>(`/api/admin/systems/${enc(id)}`, patch),
  deleteSystem: (id: string) => api.del<null>(`/api/admin/systems/${enc(id)}`),
  rotateSecret: (id: string) => api.post<{ secret: string }>(`/api/admin/systems/${enc(id)}/secret`),
  deliveries: (id: string) => api.get<DeliveryReport>(`/api/admin/systems/${enc(id)}/logout-deliveries`),

  roles: (system?: string) => api.get<{ items: Role[] }>('/api/admin/roles', { query: { system } }),
  createRole: (r: Omit<Role, 'id'>) => api.post<Role>('/api/admin/roles', r),
  updateRole: (id: string, patch: Partial<Pick<Role, 'description' | 'permissions'>>) =>
    api.patch<Role>(`/api/admin/roles/${enc(id)}`, patch),
  deleteRole: (id: string) => api.del<null>(`/api/admin/roles/${enc(id)}`),

  sessions: (q: { user?: string; offset: number; limit: number }, signal?: AbortSignal) =>
    api.get<Page<AdminSession>>('/api/admin/sessions', { query: q, signal }),
  revokeSession: (sid: string) => api.del<null>(`/api/admin/sessions/${enc(sid)}`),

  audit: (
    q: { user?: string; type?: string; since?: string; until?: string; offset: number; limit: number },
    signal?: AbortSignal,
  ) => api.get<Page<AuditEvent>>('/api/admin/audit', { query: q, signal }),

  stats: (range: StatsRange) => api.get<Stats>('/api/admin/stats', { query: { range } }),
}
