import { t } from '../i18n'

/** duration is a short localized "in how long" text for a number of seconds. */
export function duration(seconds: number): string {
  const n = Math.max(0, Math.ceil(seconds))
  if (n < 60) return t('time.seconds', { n })
  return t('time.minutes', { m: Math.floor(n / 60), s: n % 60 })
}

/** dateTime shows an ISO time in the current locale, or the text itself when unreadable. */
export function dateTime(iso: string, lang: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
}
