// The admin console's routes. This file is imported by the core router, so it imports nothing
// of the console itself: every component is a lazy chunk, and the sign-in page never
// downloads console code.
import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '/admin',
    component: () => import('./AdminLayout.vue'),
    children: [
      { path: '', name: 'admin', component: () => import('./views/AdminIndex.vue') },
      { path: 'dashboard', name: 'admin-dashboard', component: () => import('./views/DashboardView.vue'), meta: { section: 'dashboard' } },
      { path: 'users', name: 'admin-users', component: () => import('./views/UsersView.vue'), meta: { section: 'users' } },
      { path: 'users/:id', name: 'admin-user', component: () => import('./views/UserDetailView.vue'), props: true, meta: { section: 'users' } },
      { path: 'roles', name: 'admin-roles', component: () => import('./views/RolesView.vue'), meta: { section: 'roles' } },
      { path: 'systems', name: 'admin-systems', component: () => import('./views/SystemsView.vue'), meta: { section: 'systems' } },
      { path: 'systems/:id', name: 'admin-system', component: () => import('./views/SystemDetailView.vue'), props: true, meta: { section: 'systems' } },
      { path: 'sessions', name: 'admin-sessions', component: () => import('./views/SessionsView.vue'), meta: { section: 'sessions' } },
      { path: 'audit', name: 'admin-audit', component: () => import('./views/AuditView.vue'), meta: { section: 'audit' } },
    ],
  },
]
