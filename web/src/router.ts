// History-mode routes. The core pages are here; the admin console's routes come from
// ./admin/routes and are lazy-loaded, so the sign-in page never downloads them.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { adminRoutes } from './admin/routes'
import { basePath } from './api/base'
import LoginPage from './pages/LoginPage.vue'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/account' },
  { path: '/login', name: 'login', component: LoginPage },
  { path: '/account', name: 'account', component: () => import('./pages/AccountPage.vue') },
  ...adminRoutes,
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
]

export function makeRouter() {
  return createRouter({ history: createWebHistory(basePath() + '/'), routes })
}
