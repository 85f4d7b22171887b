// Dates and numbers in the current language.
import { locale } from '../i18n'

function tag(): string {
  return locale.value === 'zh' ? 'zh-CN' : 'en-GB'
}

/** when formats an RFC 3339 time as a short local date and time ("" for none). */
export function when(s: string | undefined | null): string {
  if (!s) return ''
  const d = new Date(s)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() <= 1) return ''
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short' }).format(d)
}

/** num formats an integer with the language's grouping. */
export function num(n: number): string {
  return new Intl.NumberFormat(tag()).format(n)
}

/** toRFC3339 turns the value of an <input type="datetime-local"> into RFC 3339 ("" for none). */
export function toRFC3339(local: string): string {
  if (!local) return ''
  const d = new Date(local)
  return Number.isNaN(d.getTime()) ? '' : d.toISOString()
}
