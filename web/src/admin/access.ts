// Who is using the console: the permission codes of GET /api/me in the Gatehouse system,
// loaded once by the layout. Views ask can(code) to offer only what the server would allow.
import { computed, ref } from 'vue'
import { allows, visibleSections } from './permissions'

export const codes = ref<string[]>([])
export const userName = ref('')

export function setAccess(c: string[], name = '') {
  codes.value = c
  userName.value = name
}

export function can(code: string): boolean {
  return allows(codes.value, code)
}

export const visible = computed(() => visibleSections(codes.value))
