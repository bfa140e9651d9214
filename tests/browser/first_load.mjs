// The dashboard's first load in headless Chromium, for slipway_bench (measure l):
// a fresh browser context per load (nothing cached), signed in by its session
// cookie, until the projects page is drawn from the API.
//   node tests/browser/first_load.mjs URL TOKEN LOADS
// Prints one JSON line: {"bytes": [...], "drawn_ms": [...], "fcp_ms": [...], "requests": [...]}
import { launchBrowser } from './lib.mjs';

const [url, token, loadsText] = process.argv.slice(2);
const loads = Number(loadsText || 10);

const signIn = await fetch(`${url}/api/v1/session`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }),
});
const cookie = signIn.headers.get('set-cookie').split(';')[0].split('=');
const browser = await launchBrowser();
const result = { bytes: [], drawn_ms: [], fcp_ms: [], requests: [] };
try {
  for (let i = 0; i < loads; ++i) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: cookie[0], value: cookie[1], url }]);
    const page = await context.newPage();
    await page.goto(`${url}/#/`);
    await page.waitForFunction(() => performance.getEntriesByName('slipway:page-drawn').length > 0, null, { timeout: 10000 });
    const numbers = await page.evaluate(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        bytes: entries.reduce((sum, entry) => sum + entry.transferSize, 0),
        drawn: performance.getEntriesByName('slipway:page-drawn')[0].startTime,
        fcp: paint ? paint.startTime : -1,
        requests: entries.length,
      };
    });
    result.bytes.push(numbers.bytes);
    result.drawn_ms.push(numbers.drawn);
    result.fcp_ms.push(numbers.fcp);
    result.requests.push(numbers.requests);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
