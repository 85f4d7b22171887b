// Grouping of live sessions for display: user → devices → sessions (each with its joined
// systems), keeping the server's order (newest first) within each level.
import type { AdminSession } from './api'

export interface DeviceGroup {
  deviceId: string
  sessions: AdminSession[]
}

export interface UserGroup {
  userId: string
  username: string
  devices: DeviceGroup[]
}

export function groupSessions(list: readonly AdminSession[]): UserGroup[] {
  const users = new Map<string, UserGroup>()
  for (const s of list) {
    let u = users.get(s.user_id)
    if (!u) {
      u = { userId: s.user_id, username: s.username, devices: [] }
      users.set(s.user_id, u)
    }
    const key = s.device_id || s.id // a session without a device cookie is its own device
    let d = u.devices.find((x) => x.deviceId === key)
    if (!d) {
      d = { deviceId: key, sessions: [] }
      u.devices.push(d)
    }
    d.sessions.push(s)
  }
  return [...users.values()]
}

/** deviceName is a short description of a User-Agent ("Firefox on Linux"), or "" when unknown. */
export function deviceName(ua: string): string {
  const browser =
    /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : /curl\//.test(ua) ? 'curl' : ''
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : ''
  return [browser, os].filter(Boolean).join(' · ')
}
