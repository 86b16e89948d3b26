// answer_page.mjs - a person on a phone, in Debian's chromium with
// JavaScript off, opens the score link from the mail, changes the score,
// writes a comment and sends it.
// Usage: node answer_page.mjs BASE_URL TOKEN SCREENSHOT_DIR
import { chromium } from 'playwright-core';

const [base, token, shots] = process.argv.slice(2);
let failed = 0, passed = 0;
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name} ${detail}`); }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2, javaScriptEnabled: false, locale: 'nl-NL',
  });
  const page = await context.newPage();
  const resp = await page.goto(`${base}/s/${token}?score=9`);
  check('the score link opens the answer page', resp.status() === 200, `status ${resp.status()}`);
  check('score 9 is pre-selected', await page.isChecked('input[name=score][value="9"]'));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check('the page fits a 390 px phone screen', width <= 390, `scrollWidth ${width}`);
  check('the question is in Dutch', (await page.textContent('h1')).includes('aanbeveelt'));
  const buttons = await page.locator('.scale label').count();
  check('eleven score buttons', buttons === 11, `found ${buttons}`);
  const box = await page.locator('.scale label').first().boundingBox();
  check('score buttons are large enough to tap', box && box.height >= 40, JSON.stringify(box));
  await page.screenshot({ path: `${shots}/answer-page.png`, fullPage: true });

  check('the follow-up question fits score 9 (promoter)',
    await page.isVisible('.q-promoter') && !(await page.isVisible('.q-detractor')));
  await page.locator('.scale label', { hasText: /^3$/ }).click();
  check('tapping 3 asks what we should have done differently',
    await page.isVisible('.q-detractor') && !(await page.isVisible('.q-promoter')));
  await page.locator('.scale label', { hasText: /^8$/ }).click();
  check('tapping 8 asks what would have made it a 10', await page.isVisible('.q-passive'));
  await page.locator('.scale label', { hasText: /^10$/ }).click();
  check('tapping 10 selects it', await page.isChecked('input[name=score][value="10"]'));
  await page.fill('textarea[name=comment]', 'Snel opgelost, dank je wel! <b>ok</b>');
  await page.waitForTimeout(2100);   // a person reads before sending
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check('sending lands on the thank-you page', page.url().endsWith(`/s/${token}/thanks`), page.url());
  check('which thanks in Dutch', (await page.textContent('h1')).includes('Bedankt'));
  await page.screenshot({ path: `${shots}/thanks-page.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
