// dashboard.mjs - an agent on a phone and a team lead on a desktop, in
// Debian's chromium with JavaScript off, sign in through the link mailed
// to them, see their own pages, fail to open another team's, and the
// lead marks a follow-up done. Screenshots of each page are saved.
// Usage: node dashboard.mjs BASE_URL SINK_DIR SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync, statSync } from 'node:fs';

const [base, sink, shots] = process.argv.slice(2);
let failed = 0, passed = 0;
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name} ${detail}`); }
}

// The newest sign-in link in a mail to address (quoted-printable undone).
async function mailedLink(address, after) {
  for (let i = 0; i < 300; i++) {
    const files = readdirSync(sink).filter((f) => f.endsWith('.eml'))
      .map((f) => `${sink}/${f}`).filter((f) => statSync(f).mtimeMs >= after);
    for (const f of files) {
      const raw = readFileSync(f, 'utf8').replace(/=\r\n/g, '').replace(/=3D/g, '=');
      const to = raw.match(/^To: (.*)$/m);
      const link = raw.match(/(http:\/\/[^\s]+\/login\/[A-Za-z0-9_-]{22})/);
      if (to && to[1].trim() === address && link) return link[1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function signIn(page, address, name) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', address);
  const asked = Date.now() - 1000;
  await Promise.all([page.waitForNavigation(), page.click('button')]);
  check(`${name}: the sign-in form answers`, (await page.textContent('main')).includes('on its way'));
  const link = await mailedLink(address, asked);
  check(`${name}: the link arrives by mail`, link !== null);
  const resp = await page.goto(link);
  check(`${name}: the link shows a Sign in button`, resp.status() === 200 &&
    await page.isVisible('form button'));
  await page.screenshot({ path: `${shots}/dashboard-sign-in-${name}.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form button')]);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  // The agent, on a phone.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2, javaScriptEnabled: false, locale: 'en-GB',
  });
  const agent = await phone.newPage();
  await signIn(agent, 'piet@example.org', 'agent');
  check('agent: signed in, on their own page', agent.url().endsWith('/me'), agent.url());
  check('agent: "My scores"', (await agent.textContent('h1')).includes('My scores'));
  const cookies = await phone.cookies();
  const c = cookies.find((k) => k.name === '__Host-npsd');
  check('agent: the session cookie is HttpOnly, Secure, SameSite=Strict',
    c && c.httpOnly && c.secure && c.sameSite === 'Strict', JSON.stringify(c));
  check('agent: a trend chart and a distribution chart',
    await agent.locator('svg[role=img]').count() === 2);
  check('agent: their own comment is shown', (await agent.textContent('main')).includes('Printer'));
  const width = await agent.evaluate(() => document.documentElement.scrollWidth);
  check('agent: the page fits a 390 px phone screen', width <= 390, `scrollWidth ${width}`);
  await agent.screenshot({ path: `${shots}/dashboard-agent-me.png`, fullPage: true });
  let resp = await agent.goto(`${base}/teams/net`);
  check('agent: another team\'s page is refused (403)', resp.status() === 403, `${resp.status()}`);
  check('agent: and shows no team data', !(await agent.textContent('main')).includes('Network'));
  await agent.screenshot({ path: `${shots}/dashboard-agent-403.png`, fullPage: true });
  resp = await agent.goto(`${base}/me?lang=nl`);
  check('agent: switched to Dutch', (await agent.textContent('h1')).includes('Mijn scores'));

  // The team lead, on a desktop.
  const desk = await browser.newContext({
    viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, locale: 'en-GB',
  });
  const lead = await desk.newPage();
  await signIn(lead, 'lead@example.org', 'lead');
  check('lead: lands on the overview', (await lead.textContent('h1')).includes('Overview'), lead.url());
  await lead.screenshot({ path: `${shots}/dashboard-lead-overview.png`, fullPage: true });
  await Promise.all([lead.waitForNavigation(), lead.click('a[href^="/teams/servicedesk"]')]);
  check('lead: the team page', (await lead.textContent('h1')).includes('Servicedesk'));
  const main = await lead.textContent('main');
  check('lead: agents listed', main.includes('Piet Jansen'));
  check('lead: categories with volume', main.includes('Hardware'));
  check('lead: the detractor waits for a call back', main.includes('Nobody called me back'));
  await lead.screenshot({ path: `${shots}/dashboard-lead-team.png`, fullPage: true });
  await lead.fill('#followups input[name=comment]', 'Called, printer replaced');
  await Promise.all([lead.waitForNavigation(), lead.click('#followups button')]);
  check('lead: marked done, nobody is waiting any more',
    (await lead.textContent('#followups')).includes('Nobody is waiting'));
  await lead.screenshot({ path: `${shots}/dashboard-lead-team-done.png`, fullPage: true });
  resp = await lead.goto(`${base}/teams/net`);
  check('lead: another team\'s page is refused (403)', resp.status() === 403, `${resp.status()}`);
  await lead.screenshot({ path: `${shots}/dashboard-lead-403.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
