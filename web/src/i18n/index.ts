// A tiny i18n module: a reactive locale, t(key, params) and one message catalog per locale.
//
// Core pages keep their messages in ./en.ts and ./zh.ts. Another area (the admin console)
// keeps its own files and merges them in once, when its code loads:
//
//   import { addMessages } from '../i18n'
//   import en from './i18n/en'
//   import zh from './i18n/zh'
//   addMessages({ en, zh })
//
// so that no two areas edit one message file. Keys are flat strings, by convention prefixed
// by area ("login.", "account.", "admin."). A missing key falls back to English, then to the
// key itself.
import { ref } from 'vue'
import en from './en'
import zh from './zh'

export type Locale = 'en' | 'zh'
export type Messages = Record<string, string>

export const locales: readonly Locale[] = ['en', 'zh']
export const storageKey = 'gatehouse.lang'

const catalogs: Record<Locale, Messages> = { en: { ...en }, zh: { ...zh } }
// version changes whenever messages are added, so that t() re-renders its callers.
const version = ref(0)

/** isLocale reports whether s names a supported locale. */
export function isLocale(s: unknown): s is Locale {
  return s === 'en' || s === 'zh'
}

/** detectLocale picks the stored choice, else the first supported browser language, else en. */
export function detectLocale(stored: string | null, languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]
    if (isLocale(base)) return base
  }
  return 'en'
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(storageKey) ?? null
  } catch {
    return null // storage disabled
  }
}

function browserLanguages(): readonly string[] {
  const n = globalThis.navigator
  if (!n) return []
  return n.languages?.length ? n.languages : n.language ? [n.language] : []
}

export const locale = ref<Locale>(detectLocale(readStored(), browserLanguages()))

function applyDocumentLang(l: Locale) {
  if (globalThis.document) document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
}
applyDocumentLang(locale.value)

/** setLocale switches the language of every page and remembers the choice. */
export function setLocale(l: Locale) {
  if (!isLocale(l)) return
  locale.value = l
  applyDocumentLang(l)
  try {
    globalThis.localStorage?.setItem(storageKey, l)
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

/** addMessages merges messages into the catalogs (later additions win). */
export function addMessages(add: Partial<Record<Locale, Messages>>) {
  for (const l of locales) {
    if (add[l]) Object.assign(catalogs[l], add[l])
  }
  version.value++
}

/** t returns the message of key in the current locale, with {name} replaced from params. */
export function t(key: string, params?: Record<string, string | number>): string {
  void version.value
  const msg = catalogs[locale.value][key] ?? catalogs.en[key] ?? key
  if (!params) return msg
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

/** acceptLanguage is the Accept-Language header for API calls in the current locale. */
export function acceptLanguage(): string {
  return locale.value === 'zh' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en'
}
