// Placeholder: the admin console's routes (owned by the admin console).
import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  { path: '/admin', name: 'admin', component: () => import('./AdminHome.vue') },
]
