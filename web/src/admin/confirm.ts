// One confirmation dialog for the whole console: ask(...) opens it and resolves true when the
// person confirms, false when they cancel or press Escape. ConfirmDialog.vue renders it.
import { reactive } from 'vue'

interface ConfirmState {
  open: boolean
  title: string
  message: string
  action: string
  resolve: ((ok: boolean) => void) | null
}

export const confirmState = reactive<ConfirmState>({ open: false, title: '', message: '', action: '', resolve: null })

export function ask(title: string, message: string, action: string): Promise<boolean> {
  confirmState.resolve?.(false)
  return new Promise((resolve) => {
    Object.assign(confirmState, { open: true, title, message, action, resolve })
  })
}

export function answer(ok: boolean) {
  const r = confirmState.resolve
  Object.assign(confirmState, { open: false, resolve: null })
  r?.(ok)
}
