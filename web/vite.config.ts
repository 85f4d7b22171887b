/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build lands in dist/, embedded by the Go package web (web/embed.go). Asset names carry
// a content hash so the server may cache them for a year; index.html is never cached.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: false, // keep dist/.gitkeep; scripts/clean.mjs empties the rest
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    modulePreload: { polyfill: false }, // the polyfill would be an inline script under a strict CSP
    cssCodeSplit: true,
    manifest: true, // read by scripts/size.mjs
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/sso': 'http://127.0.0.1:8080', '/cas': 'http://127.0.0.1:8080', '/oidc': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
