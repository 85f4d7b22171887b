// History-mode routes. The core pages are here; the admin console's routes come from
// ./admin/routes and are lazy-loaded, so the sign-in page never downloads them.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { adminRoutes } from './admin/routes'
import { basePath } from './api/base'
import LoginPage from './pages/LoginPage.vue'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/account' },
  { path: '/login', name: 'login', component: LoginPage, meta: { titleKey: 'login.title' } },
  { path: '/account', name: 'account', component: () => import('./pages/AccountPage.vue'), meta: { titleKey: 'account.title' } },
  ...adminRoutes,
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
]

// A route's meta.titleKey (an i18n key) names the page in document.title (App.vue).

export function makeRouter() {
  const router = createRouter({ history: createWebHistory(basePath() + '/'), routes })
  // After an in-app navigation, focus moves to the main region so that screen readers start
  // reading the new page (the first page load keeps the page's own focus).
  router.afterEach((_to, from, failure) => {
    if (failure || !from.matched.length) return
    setTimeout(() => document.getElementById('main')?.focus(), 0)
  })
  return router
}
