// Drives the calc web page in headless Chromium (Debian's): loads the example, evaluates, and
// checks the amounts shown against `calc eval`; checks a profile with markup in its name stays
// inert; saves desktop and phone screenshots. usage: node page.mjs URL EXPECTED_TOTALS_TEXT OUTDIR
import { chromium } from 'playwright-core';

const [url, expected, outdir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0, passed = 0;
const check = (name, ok, detail) => {
  if (ok) { passed++; console.log('PASS ' + name); }
  else { failed++; console.log('FAIL ' + name + (detail ? '\n    ' + detail : '')); }
};
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('fieldset');
  check('the form is built from the schema, grouped',
    (await page.locator('legend').allTextContents()).join(',') === '基本信息,财务数据,门店,总部,人才,办公空间,上市进度');
  await page.click('#example');
  // the page's CSP forbids eval, so poll from here rather than with waitForFunction
  for (let i = 0; i < 50 && (await page.inputValue('[name="id"]')) === ''; i++)
    await page.waitForTimeout(100);
  await page.click('#submit');
  await page.waitForSelector('#totals');
  const totals = await page.textContent('#totals');
  check('totals shown equal calc eval\'s', totals === expected, 'got ' + totals);
  const rd = await page.textContent('.card[data-policy="sc25-rd-subsidy"] .amount');
  check('the R&D subsidy shows ¥800,000.05', rd.includes('¥800,000.05'), 'got ' + rd);
  const apt = await page.textContent('.card[data-policy="sc25-talent-apartment"] .amount');
  check('the apartments show 8 units', apt.includes('8 套'), 'got ' + apt);
  check('each result cites its source', (await page.locator('.card .quote').count()) >= 7);
  await page.screenshot({ path: outdir + '/page.png', fullPage: true });

  // needs_data: a click on the missing field focuses it
  await page.fill('[name="finance.rd_expense"]', '');
  await page.click('#submit');
  await page.waitForSelector('.card.needs_data a.focus');
  await page.click('.card[data-policy="sc25-rd-subsidy"] a.focus');
  check('a missing field is one click away',
    await page.evaluate(() => document.activeElement && document.activeElement.name) === 'finance.rd_expense');

  // markup in a company name is text
  await page.fill('[name="name"]', '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>');
  await page.fill('[name="finance.rd_expense"]', '8000000.50');
  await page.click('#submit');
  await page.waitForSelector('#totals');
  check('markup in the profile stays inert',
    await page.evaluate(() => window.pwned === undefined && !document.querySelector('#results img, #results script')));

  // money as people write it: 150万 is ¥1,500,000.00, shown as understood while typed, and
  // evaluated so; something that is not an amount is an inline error and nothing is sent
  let evals = 0;
  page.on('request', (r) => { if (r.url().includes('/api/v1/eval')) evals++; });
  await page.fill('[name="finance.rd_expense"]', '150万');
  const und = await page.textContent('[name="finance.rd_expense"] + output');
  check('150万 is understood as ¥1,500,000.00 as it is typed', und === '= ¥1,500,000.00', 'got ' + und);
  await page.click('#submit');
  let rd2 = '';
  for (let i = 0; i < 50 && !rd2.includes('¥150,000.00'); i++) { /* the new results, not the last */
    await page.waitForTimeout(100);
    rd2 = (await page.locator('.card[data-policy="sc25-rd-subsidy"] .amount').count())
      ? await page.textContent('.card[data-policy="sc25-rd-subsidy"] .amount') : '';
  }
  check('150万 evaluates as 1,500,000.00 yuan (the R&D subsidy ¥150,000.00)', rd2.includes('¥150,000.00'), 'got ' + rd2);
  const before = evals;
  await page.fill('[name="finance.rd_expense"]', 'abc');
  await page.click('#submit');
  await page.waitForSelector('#input-errors');
  check('abc is an inline error beside the field',
    (await page.getAttribute('[name="finance.rd_expense"]', 'aria-invalid')) === 'true' &&
    (await page.textContent('[name="finance.rd_expense"] + output')).includes('无法识别'));
  check('abc sends nothing', evals === before, (evals - before) + ' requests');
  await page.screenshot({ path: outdir + '/money.png', fullPage: false });
  await page.fill('[name="finance.rd_expense"]', '8000000.50');

  // an empty date: the server's refusal is shown in words, and the page does not throw
  await page.fill('#asof', '');
  await page.click('#submit');
  await page.waitForSelector('#request-error');
  check('an empty date is an error in words, not a blank page',
    (await page.textContent('#request-error')).length > 10);
  await page.fill('#asof', '2025-06-30');
  check('no what-if slider on the financial year',
    (await page.locator('[name="finance.year"] ~ .whatif').count()) === 0);

  // a date with nothing in force: a warning, and one click to the latest date that had policies
  await page.fill('#asof', '2026-12-01');
  await page.click('#submit');
  await page.waitForSelector('#warning-nothing_in_force');
  check('nothing in force on 2026-12-01 is said, naming 2025-12-31',
    (await page.textContent('#warning-nothing_in_force')).includes('2025-12-31'));
  await page.click('#warning-nothing_in_force button');
  for (let i = 0; i < 50 && (await page.inputValue('#asof')) !== '2025-12-31'; i++) await page.waitForTimeout(100);
  await page.waitForSelector('#warning-nothing_in_force', { state: 'detached', timeout: 10000 });
  await page.waitForSelector('.card.eligible');
  check('the way out evaluates as of the latest date in force',
    (await page.inputValue('#asof')) === '2025-12-31' && (await page.locator('#warning-nothing_in_force').count()) === 0);
  await page.fill('#asof', '2025-06-30');

  // English
  await page.click('#lang');
  check('English switch', (await page.textContent('h1')) === 'Policy calculator');
  await page.click('#submit');
  await page.waitForSelector('#totals');
  await page.screenshot({ path: outdir + '/page-en.png', fullPage: true });

  // a phone
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(url);
  await phone.waitForSelector('fieldset');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check('fits a phone screen without horizontal scrolling', !overflow);
  await phone.screenshot({ path: outdir + '/phone.png', fullPage: false });
  await phone.click('#example');
  for (let i = 0; i < 50 && (await phone.inputValue('[name="id"]')) === ''; i++) await phone.waitForTimeout(100);
  await phone.click('#submit');
  await phone.waitForSelector('#totals');
  await phone.locator('#results').screenshot({ path: outdir + '/phone-results.png' });
  check('no script errors', errors.length === 0, errors.join('; '));
} catch (e) {
  check('the page test ran', false, String(e));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
