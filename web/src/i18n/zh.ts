// 核心页面（外壳、登录、账户）的中文文案。
export default {
  'app.name': 'Gatehouse',
  'app.language': '语言',
  'app.skip': '跳到正文',
  'app.loading': '加载中…',
  'app.notFound': '页面不存在。',
  'app.home': '前往我的账户',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.badAnswer': '服务器返回了异常响应（HTTP {status}），请重试。',
  'error.unexpected': '发生意外错误，请重试。',
} as Record<string, string>
