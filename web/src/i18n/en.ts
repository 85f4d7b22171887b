// English messages of the core pages (app shell, sign-in, account).
export default {
  'app.name': 'Gatehouse',
  'app.language': 'Language',
  'app.skip': 'Skip to content',
  'app.loading': 'Loading…',
  'app.notFound': 'This page does not exist.',
  'app.home': 'Go to your account',
  'error.network': 'The server could not be reached. Check your connection and try again.',
  'error.badAnswer': 'The server gave an unexpected answer (HTTP {status}). Please try again.',
  'error.unexpected': 'Something unexpected went wrong. Please try again.',
} as Record<string, string>
