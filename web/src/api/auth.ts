// Typed calls of the sign-in and account API (docs/api.md).
import { api } from './client'

export interface User {
  id: string
  username: string
  display_name: string
  email?: string
  status: string
}

export interface Session {
  id: string
  device_id: string
  ip: string
  user_agent: string
  created_at: string
  last_seen: string
  expires_at: string
  remember_me: boolean
  systems: string[]
  current: boolean
}

export interface Me {
  user: User
  system: string
  roles: string[]
  permissions: string[]
  session: Session
}

export interface Captcha {
  captcha_id: string
  image: string
  expires_in: number
}

export interface LoginRequest {
  username: string
  password: string
  remember_me: boolean
  captcha_id?: string
  captcha_answer?: string
}

export interface PasswordPolicy {
  /** characters (code points) */
  min_length: number
  /** bytes of UTF-8 */
  max_length: number
  forbid_username: boolean
  forbid_common: boolean
}

export const getCaptcha = () => api.get<Captcha>('/api/captcha', { noRedirect: true })
export const login = (req: LoginRequest) => api.post<Me>('/api/auth/login', req, { noRedirect: true })
export const logout = () => api.post<{ signed_out: boolean }>('/api/auth/logout', {}, { noRedirect: true })
/** probeMe answers the signed-in user, or throws without leaving the page. */
export const probeMe = () => api.get<Me>('/api/me', { noRedirect: true })
export const getMe = () => api.get<Me>('/api/me')
export const changePassword = (old_password: string, new_password: string) =>
  api.post<{ changed: boolean }>('/api/me/password', { old_password, new_password })
export const mySessions = () => api.get<{ sessions: Session[] }>('/api/me/sessions')
export const revokeSession = (sid: string) => api.del<{ revoked: string }>(`/api/me/sessions/${encodeURIComponent(sid)}`)
export const revokeOtherSessions = () => api.del<{ revoked: number }>('/api/me/sessions')
export const passwordPolicy = () => api.get<PasswordPolicy>('/api/password-policy', { noRedirect: true })
