// describeAgent names the browser and system of a User-Agent header in a few words
// ("Firefox on Linux"), or returns '' when it cannot tell. It is a label, not a security check.
const browsers: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//i, 'curl'],
  [/Go-http-client/i, 'Go client'],
]
const systems: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
]

export function describeAgent(ua: string): { browser: string; system: string } {
  const browser = browsers.find(([re]) => re.test(ua))?.[1] ?? ''
  const system = systems.find(([re]) => re.test(ua))?.[1] ?? ''
  return { browser, system }
}
