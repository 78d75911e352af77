// Drives the calc web page in headless Chromium (Debian's): loads the example, evaluates, and
// checks the amounts shown against `calc eval`; checks that what a person reads is words (no
// rule name, field path or code, in Chinese and in English), that the cards carry their
// computation, window, pool and illustrative notes, that the print view is an estimate with the
// enterprise and the fingerprints, that every error is said beside its field and that nothing
// throws; saves desktop, phone and print screenshots.
// usage: node page.mjs URL EXPECTED_TOTALS_TEXT OUTDIR
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
const api = async (path, body) => (await fetch(url + path.replace(/^\//, ''), body === undefined ? {} :
  { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
const schema = await api('/api/v1/schema');
const policies = (await api('/api/v1/policies')).policies;
const example = await api('/api/v1/example');
const truth = await api('/api/v1/eval?explain=1&as_of=2025-06-30', example); /* what the page must say */
const byId = Object.fromEntries(truth.results.map((x) => [x.policy, x]));
const hasCJK = (s) => /[\u3400-\u9fff]/.test(s);
const money = (s) => { const m = String(s).match(/^(-?)(\d+)\.(\d\d)$/); return m ? m[1] + '¥' + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + m[3] : String(s); };
const reEsc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// What must never reach a person: the rule names of the condition records (at_least(…), has(…),
// …), field paths, enum codes, policy and pool ids. Single words that are also English words
// (district, finance, rent, …) are looked for in the Chinese page only.
function leakPatterns(lang) {
  const pats = [];
  const names = new Set(['one_of', 'at_least', 'at_most', 'has(', 'is_set', 'between']);
  for (const x of truth.results) for (const c of [...(x.conditions || []), ...(x.reasons || [])]) {
    const n = String(c.name || '').match(/^([a-z_]+)\(/);
    if (n) names.add(n[1] + '(');
    else if (/_/.test(c.name || '')) names.add(c.name);
  }
  for (const n of names) pats.push([n, new RegExp((/^\w/.test(n) ? '\\b' : '') + reEsc(n))]);
  for (const f of schema.fields) {
    const p = f.path;
    if (/[.[]/.test(p)) pats.push([p, new RegExp(reEsc(p).replace(/\\\[\\\]/g, '\\[\\d*\\]'))]);
    else if (lang === 'zh' || p.includes('_')) pats.push([p, new RegExp('(^|[^A-Za-z0-9_])' + reEsc(p) + '($|[^A-Za-z0-9_])')]);
  }
  for (const prefix of new Set(schema.fields.map((f) => f.path.match(/^(\w+)[.[]/)).filter(Boolean).map((m) => m[1])))
    pats.push([prefix + '. / ' + prefix + '[', new RegExp('\\b' + prefix + '(\\.[a-z_]|\\[)')]);
  for (const [e, vals] of Object.entries(schema.enums)) for (const v of vals) {
    if (!/^[\x21-\x7e]+$/.test(v.value)) continue; /* a code in Chinese is its own label (上城区) */
    if (lang === 'zh' || v.value.includes('_') || ['ai', 'iot'].includes(v.value))
      pats.push([e + ' code ' + v.value, new RegExp('(^|[^A-Za-z0-9_])' + reEsc(v.value) + '($|[^A-Za-z0-9_])')]);
  }
  for (const p of policies) {
    pats.push(['policy id ' + p.id, new RegExp(reEsc(p.id))]);
    if (p.pool) pats.push(['pool id ' + p.pool, new RegExp(reEsc(p.pool))]);
  }
  return pats;
}
// The results as a person reads them (every card, closed details included), fingerprints out.
const resultsText = (page) => page.evaluate(() => document.getElementById('results').textContent)
  .then((t) => t.replace(/sha256:[0-9a-f]{64}/g, ' '));
async function leaks(page, lang) {
  const text = await resultsText(page);
  return leakPatterns(lang).filter(([, re]) => re.test(text)).map(([n, re]) => { const m = text.match(re);
    return n + ' in «' + text.slice(Math.max(0, m.index - 30), m.index + 40) + '»'; });
}
const fallbacksShown = (page) => page.evaluate(() => [...document.querySelectorAll('#results [data-fallback]')].map((e) => e.closest('.card')?.dataset.policy + ': ' + e.textContent));
async function noLeaks(page, lang, typed = []) { /* typed: what the enterprise wrote (a grant's name), quoted back */
  const found = await leaks(page, lang);
  const fallbacks = await fallbacksShown(page);
  check(`the ${lang} results show no rule name, field path or code`, found.length === 0, found.slice(0, 6).join('\n    '));
  check(`the ${lang} results need no fallback word (every record has its label)`, fallbacks.length === 0, fallbacks.slice(0, 6).join('\n    '));
  if (lang === 'en') { /* Chinese only where it is quoted: the sources (lang=zh-CN) */
    const cjk = await page.evaluate(() => {
      const c = document.getElementById('results').cloneNode(true);
      for (const e of c.querySelectorAll('[lang="zh-CN"]')) e.remove();
      return c.textContent;
    }).then((t) => typed.reduce((x, v) => x.split(v).join(' '), t));
    const m = cjk.match(/.{0,30}[\u3400-\u9fff]+.{0,30}/);
    check('the English results have no Chinese outside the quoted sources', !m, m && m[0]);
  }
}
// Click and wait for the new answer, not the last one still on the page.
async function submit(page, selector = '#totals') {
  await page.evaluate(() => { document.getElementById('results').textContent = ''; });
  await page.click('#submit');
  await page.waitForSelector(selector);
}
const noHorizontalScroll = (p) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
const errorBeside = (page, name) => page.evaluate((n) => {
  const w = document.querySelector('[name="' + n + '"]');
  const s = w && w.closest('.field').querySelector('.field-error');
  return { invalid: w && w.getAttribute('aria-invalid'), text: s ? s.textContent : null, shown: !!(s && s.offsetParent) };
}, name);

const watch = (page, errors) => {
  page.on('pageerror', (e) => errors.push('pageerror: ' + String(e)));
  /* a failed request is the network's message, not the script's: the page says it in words */
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push('console: ' + m.text()); });
};

// the scan finds what the page used to show (issue 14's quotes), so that its silence means something
for (const [lang, old] of [['zh', 'at_least(finance.rd_expense) [finance.rd_expense] 实际 850000.00'], ['zh', '所属行业 one of smart_manufacturing, new_energy'],
  ['zh', '就高不重复，由 sc25-hq-office'], ['zh', '请补充：stores[0].opened'], ['en', 'has_tag(tags) tech_enterprise'], ['en', 'Please provide: hq.office.mode']]) {
  check(`the ${lang} leak scan catches «${old}»`, leakPatterns(lang).some(([, re]) => re.test(old)));
}

try {
  /* a Chinese user's browser */
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  const errors = [];
  watch(page, errors);
  await page.goto(url);
  await page.waitForSelector('fieldset');
  check('the form is built from the schema, grouped',
    (await page.locator('legend').allTextContents()).join(',') === '基本信息,财务数据,门店,总部,人才,办公空间,上市进度,' +
      '钱塘区·基本信息,钱塘区·信用,钱塘区·财务,钱塘区·租赁,钱塘区·购置,钱塘区·项目资金,钱塘区·人才,钱塘区·社保,钱塘区·高新技术企业,' +
      '钱塘区·上市,钱塘区·融资担保,钱塘区·已获奖励', (await page.locator('legend').allTextContents()).join(','));
  check('the print button says it prints an estimate (测算), not a decision',
    (await page.textContent('#print')) === '打印测算结果' && !(await page.textContent('body')).includes('决定书'));
  const sliders = await page.evaluate(() => [...document.querySelectorAll('.whatif')].map((s) => s.closest('.field').querySelector('[name]')).map((w) => w.name + ':' + w.dataset.type));
  check('what-if sliders only on money and count fields (not on the year, the star rating, a date or a code)',
    sliders.length > 0 && sliders.every((s) => /:(money|int)$/.test(s)) && !sliders.some((s) => /year|star/.test(s)) &&
    sliders.includes('employees:int') && sliders.includes('finance.rd_expense:money'), sliders.join(' '));
  await page.click('#example');
  // the page's CSP forbids eval, so poll from here rather than with waitForFunction
  for (let i = 0; i < 50 && (await page.inputValue('[name="id"]')) === ''; i++)
    await page.waitForTimeout(100);
  await submit(page);
  const totals = await page.textContent('#totals');
  check('totals shown equal calc eval\'s', totals === expected, 'got ' + totals);
  const rd = await page.textContent('.card[data-policy="sc25-rd-subsidy"] .amount');
  check('the R&D subsidy shows ¥800,000.05', rd.includes('¥800,000.05'), 'got ' + rd);
  const apt = await page.textContent('.card[data-policy="sc25-talent-apartment"] .amount');
  check('the apartments show 8 units', apt.includes('8 套'), 'got ' + apt);
  check('each result cites its source', (await page.locator('.card .quote').count()) >= 7);
  await noLeaks(page, 'zh');

  // the cards: computation in words, window, pool, illustrative parameters
  const comp = await page.locator('.card[data-policy="sc25-rd-subsidy"] .computation li').allTextContents();
  check('an eligible card shows its computation in words and numbers (the API\'s computation)',
    comp.length > 0 && comp.join('\n') === (byId['sc25-rd-subsidy'].computation?.zh || []).join('\n') &&
    comp.some((l) => hasCJK(l) && l.includes('800,000.05')), comp.join(' | '));
  const eligible = truth.results.filter((x) => x.status === 'eligible' && x.kind !== 'match').map((x) => x.policy);
  const withComp = await page.locator('.card.eligible .computation li').evaluateAll((ls) => new Set(ls.map((l) => l.closest('.card').dataset.policy)).size);
  check('every eligible cash or in-kind card shows its computation', withComp === eligible.length, withComp + ' of ' + eligible.length);
  const windows = await page.locator('.card').evaluateAll((cs) => cs.map((c) => [c.dataset.policy, c.querySelector('.window')?.textContent]));
  const wrong = windows.filter(([id, w]) => { const p = policies.find((q) => q.id === id); return w !== `有效期 ${p.in_force[0]} 至 ${p.in_force[1]}`; });
  check('each card shows its window (有效期 from the policies)', windows.length === truth.results.length && wrong.length === 0, JSON.stringify(wrong.slice(0, 3)));
  const pooled = truth.results.find((x) => x.status === 'eligible' && x.pool_claim);
  const poolNote = pooled ? await page.textContent(`.card[data-policy="${pooled.policy}"] .pool-note`) : '';
  check('a pooled card says it is a claim on the named pool, allocated in batch (the API\'s pool_claim.note)',
    pooled && poolNote === pooled.pool_claim.note.zh && poolNote.includes(pooled.pool_claim.title.zh) &&
    (await page.locator(`.card[data-policy="${pooled.policy}"] .flag.pool`).count()) === 1, pooled ? poolNote : 'no pool_claim in the API result');
  const illus = truth.results.filter((x) => x.status === 'eligible' && x.kind !== 'match' && x.illustrative === true).map((x) => x.policy);
  const flagged = await page.locator('.card .amountline .flag.illustrative').evaluateAll((fs) => fs.map((f) => f.closest('.card').dataset.policy));
  check('the amounts computed with illustrative parameters are flagged beside the amount (示例参数), the others not',
    illus.length > 0 && flagged.sort().join() === illus.sort().join() &&
    (await page.locator('.card .illustrative-note').count()) === illus.length &&
    (await page.textContent('.card .amountline .flag.illustrative')) === '示例参数', 'flagged ' + flagged.join() + '; API ' + illus.join());
  const sup = truth.results.find((x) => x.status === 'superseded');
  if (sup) {
    const t = await page.textContent(`.card[data-policy="${sup.policy}"] .superseded-by`);
    check('a superseded card names the policy chosen by its title', t.includes(sup.superseded_by_title?.zh || '\u0000'), t);
  }
  await page.screenshot({ path: outdir + '/page.png', fullPage: true });

  // the print view: an estimate, with the enterprise, the date and the fingerprints
  await page.emulateMedia({ media: 'print' });
  const head = await page.textContent('#print-head');
  const fp = truth.fingerprint;
  check('the print view names the enterprise, its id, the date of the estimate and the fingerprints',
    await page.isVisible('#print-head') && head.includes(example.name) && head.includes(example.id) && head.includes('2025-06-30') &&
    head.includes(fp.policy_set) && head.includes(fp.profile), head);
  check('the print view says it is an estimate, not a decision (测算结果，不构成审批决定)',
    head.includes('测算结果，不构成审批决定') && !head.includes('决定书'));
  const fps = await page.locator('.card .fp').evaluateAll((ps) => ps.map((p) => [p.closest('.card').dataset.policy, p.textContent, !!p.offsetParent]));
  check('the print view carries each policy\'s fingerprint',
    fps.length === truth.results.length && fps.every(([id, t, vis]) => vis && t.includes(fp.policies[id])));
  check('the print view leaves the form and the buttons out', !(await page.isVisible('#form')) && !(await page.isVisible('#print')));
  await page.screenshot({ path: outdir + '/print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  check('on screen the fingerprints per policy stay out of the way', !(await page.isVisible('.card .fp')));

  // needs_data: the missing data is named in words, and a click focuses the field
  await page.fill('[name="finance.rd_expense"]', '');
  await submit(page, '.card.needs_data a.focus');
  const miss = await page.textContent('.card[data-policy="sc25-rd-subsidy"] .missing-data');
  check('missing data is named in words', miss.includes('研发投入') && !miss.includes('finance.'), miss);
  await page.locator('#results').screenshot({ path: outdir + '/needs-data.png' });
  await page.click('.card[data-policy="sc25-rd-subsidy"] a.focus');
  check('a missing field is one click away',
    await page.evaluate(() => document.activeElement && document.activeElement.name) === 'finance.rd_expense');
  await noLeaks(page, 'zh');

  // markup in a company name is text
  await page.fill('[name="name"]', '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>');
  await page.fill('[name="finance.rd_expense"]', '8000000.50');
  await submit(page);
  check('markup in the profile stays inert',
    await page.evaluate(() => window.pwned === undefined && !document.querySelector('#results img, #results script, #print-head img, #print-head script')));
  await page.fill('[name="name"]', example.name);

  // money as people write it: 150万 is ¥1,500,000.00, shown as understood while typed, and
  // evaluated so; something that is not an amount is an inline error and nothing is sent
  let evals = 0;
  page.on('request', (r) => { if (r.url().includes('/api/v1/eval')) evals++; });
  await page.fill('[name="finance.rd_expense"]', '150万');
  const und = await page.textContent('[name="finance.rd_expense"] + output');
  check('150万 is understood as ¥1,500,000.00 as it is typed', und === '= ¥1,500,000.00', 'got ' + und);
  await page.fill('[name="finance.rd_expense"]', '1.5万');
  const und15 = await page.textContent('[name="finance.rd_expense"] + output');
  check('1.5万 is understood as ¥15,000.00 as it is typed', und15 === '= ¥15,000.00', 'got ' + und15);
  // the full-width digits and comma a Chinese input method types are the same amount
  await page.fill('[name="finance.rd_expense"]', '１５０，０００．５０');
  const undfw = await page.textContent('[name="finance.rd_expense"] + output');
  check('１５０，０００．５０ (full-width) is understood as ¥150,000.50', undfw === '= ¥150,000.50', 'got ' + undfw);
  await page.locator('[name="finance.rd_expense"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: outdir + '/fullwidth.png', fullPage: false });
  await page.fill('[name="employees"]', '１２');
  check('a count typed full-width (１２) is understood as 12', (await page.textContent('[name="employees"] + output')) === '= 12');
  await page.fill('[name="employees"]', String(example.employees));
  await page.fill('[name="finance.rd_expense"]', '150万');
  await submit(page);
  const rd2 = await page.textContent('.card[data-policy="sc25-rd-subsidy"] .amount');
  check('150万 evaluates as 1,500,000.00 yuan (the R&D subsidy ¥150,000.00)', rd2.includes('¥150,000.00'), 'got ' + rd2);
  await page.fill('[name="finance.rd_expense"]', '1.5万');
  await submit(page);
  const rd15 = await page.textContent('.card[data-policy="sc25-rd-subsidy"]');
  check('1.5万 evaluates as 15,000.00 yuan (below the R&D threshold, and said so)',
    rd15.includes('不符合') && rd15.includes('15,000.00') && !rd15.includes('¥1.50'), rd15.slice(0, 200));
  await page.fill('[name="employees"]', '1,200');
  check('a count typed as 1,200 is understood as 1,200', (await page.textContent('[name="employees"] + output')) === '= 1,200');
  await page.fill('[name="employees"]', String(example.employees));
  const before = evals;
  await page.fill('[name="finance.rd_expense"]', 'abc');
  await submit(page, '#input-errors');
  check('abc is an inline error beside the field',
    (await page.getAttribute('[name="finance.rd_expense"]', 'aria-invalid')) === 'true' &&
    (await page.textContent('[name="finance.rd_expense"] + output')).includes('无法识别') &&
    (await errorBeside(page, 'finance.rd_expense')).text === '' /* said once, not twice */);
  check('abc sends nothing', evals === before, (evals - before) + ' requests');
  await page.screenshot({ path: outdir + '/money.png', fullPage: false });
  await page.fill('[name="finance.rd_expense"]', '8000000.50');

  // the server's refusals, each in words beside the field it concerns
  await page.fill('[name="hq.star"]', '9');
  await page.fill('[name="stores[0].area_m2"]', '-5');
  await page.fill('[name="id"]', '');
  await submit(page, '#api-errors');
  for (const [name, what] of [['hq.star', '0 到 5'], ['stores[0].area_m2', '0'], ['id', '']]) {
    const e = await errorBeside(page, name);
    check(`the API's error on ${name} is shown in words beside its field`,
      e.invalid === 'true' && e.shown && hasCJK(e.text) && e.text.includes(what) && !/[a-z_]+\.[a-z_]/.test(e.text), JSON.stringify(e));
  }
  check('the errors are listed at the top, by the fields\' labels',
    (await page.textContent('#api-errors')).includes('总部星级') && !(await page.textContent('#api-errors')).includes('hq.star'));
  await page.locator('[name="hq.star"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: outdir + '/errors.png', fullPage: false });
  await page.fill('[name="hq.star"]', String(example.hq.star));
  await page.fill('[name="stores[0].area_m2"]', String(example.stores[0].area_m2));
  await page.fill('[name="id"]', example.id);
  check('typing in a field clears its error', (await errorBeside(page, 'id')).text === '');

  // a result without its labels (a server of an older contract): the page still shows no path
  // or code but the schema's labels and neutral words — each marked, which the checks above
  // count as a defect
  await page.route('**/api/v1/eval*', async (route) => {
    const res = await route.fetch();
    const j = await res.json();
    for (const x of j.results || []) {
      for (const c of [...(x.conditions || []), ...(x.reasons || [])]) delete c.label;
      delete x.missing_labels; delete x.computation; delete x.superseded_by_title;
      if (x.pool_claim) delete x.pool_claim.note;
      if (x.to_qualify) { delete x.to_qualify.text; for (const ch of x.to_qualify.changes || []) delete ch.label; }
    }
    await route.fulfill({ response: res, json: j });
  });
  await page.selectOption('[name="district"]', '西湖区');
  await page.fill('[name="finance.rd_expense"]', '');
  await submit(page);
  const bare = await fallbacksShown(page);
  const bareLeaks = await leaks(page, 'zh');
  check('without labels the page says the schema\'s labels, never a path or code, and marks each such word',
    bare.length >= 10 && bareLeaks.length === 0 && bare.some((t) => t.endsWith('研发投入')) && bare.some((t) => t.endsWith('注册地')),
    bareLeaks.slice(0, 4).join('\n    ') + '\n    ' + bare.slice(0, 4).join(' | '));
  await page.unroute('**/api/v1/eval*');
  await page.selectOption('[name="district"]', example.district);
  await page.fill('[name="finance.rd_expense"]', example.finance.rd_expense);

  // the server unreachable or answering garbage: said at the top, nothing thrown
  await page.route('**/api/v1/eval*', (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }));
  await submit(page, '#request-error');
  check('an answer that is not JSON (502) is said in words', (await page.textContent('#request-error')).includes('502'));
  await page.unroute('**/api/v1/eval*');
  await page.route('**/api/v1/eval*', (r) => r.abort());
  await submit(page, '#request-error');
  check('a server out of reach is said in words', (await page.textContent('#request-error')).includes('无法连接'));
  await page.unroute('**/api/v1/eval*');

  // the what-if slider: the amount moved exactly (fen, floored), and estimated again
  await page.evaluate(() => { document.getElementById('results').textContent = ''; });
  await page.$eval('[name="finance.rd_expense"] ~ .whatif input[type=range]', (r) => {
    r.value = '50'; r.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForSelector('#totals');
  const half = await api('/api/v1/eval?as_of=2025-06-30', { ...example, finance: { ...example.finance, rd_expense: '4000000.25' } });
  const halfRd = half.results.find((x) => x.policy === 'sc25-rd-subsidy').amount;
  check('the slider at 50% makes ¥8,000,000.50 into ¥4,000,000.25 and estimates it again',
    (await page.inputValue('[name="finance.rd_expense"]')) === '4000000.25' &&
    (await page.textContent('[name="finance.rd_expense"] + output')) === '= ¥4,000,000.25' &&
    (await page.textContent('.card[data-policy="sc25-rd-subsidy"] .amount')).includes(halfRd.replace(/\B(?=(\d{3})+\.)/g, ',')), halfRd);
  await page.fill('[name="finance.rd_expense"]', '8000000.50');
  await page.$eval('[name="finance.rd_expense"]', (w) => w.dispatchEvent(new Event('change', { bubbles: true })));

  // an empty date: said beside the date, and the page does not throw
  await page.fill('#asof', '');
  await submit(page, '#request-error');
  check('an empty date is an error in words beside the date, not a blank page',
    (await page.textContent('#request-error')).length > 10 && (await page.textContent('#asof-error')).includes('日期'));
  await page.fill('#asof', '2025-06-30');
  check('no what-if slider on the financial year',
    (await page.locator('[name="finance.year"] ~ .whatif').count()) === 0);

  // a date with nothing in force: a warning, and one click to the latest date that had policies
  await page.fill('#asof', '2031-06-01'); /* book 2's standing schemes run to 2030-12-31 */
  await submit(page, '#warning-nothing_in_force');
  check('nothing in force on 2031-06-01 is said, naming 2030-12-31',
    (await page.textContent('#warning-nothing_in_force')).includes('2030-12-31'));
  await page.click('#warning-nothing_in_force button');
  for (let i = 0; i < 50 && (await page.inputValue('#asof')) !== '2030-12-31'; i++) await page.waitForTimeout(100);
  await page.waitForSelector('#warning-nothing_in_force', { state: 'detached', timeout: 10000 });
  await page.waitForSelector('#totals');
  check('the way out evaluates as of the latest date in force',
    (await page.inputValue('#asof')) === '2030-12-31' && (await page.locator('#warning-nothing_in_force').count()) === 0);
  await page.fill('#asof', '2025-06-30');

  // English: fields labelled from label_en, results in English words
  await page.click('#lang');
  check('English switch', (await page.textContent('h1')) === 'Policy estimate' && (await page.textContent('#print')) === 'Print the estimate');
  const labels = await page.locator('#form .field label').evaluateAll((ls) => ls.map((l) => [l.getAttribute('for'), l.textContent]));
  const rdLabel = labels.find(([f]) => f === 'f-finance_rd_expense');
  const rdField = schema.fields.find((f) => f.path === 'finance.rd_expense');
  check('the English form labels its fields from label_en, never by path',
    rdField.label_en && rdLabel && rdLabel[1] === rdField.label_en &&
    !labels.some(([, t]) => schema.fields.some((f) => f.path === t) || hasCJK(t)), JSON.stringify(labels.filter(([, t]) => hasCJK(t) || /[._]/.test(t)).slice(0, 4)));
  const opts = await page.locator('#form select option').allTextContents();
  check('the English form\'s choices are English words', !opts.some(hasCJK), opts.filter(hasCJK).slice(0, 5).join(', '));
  await submit(page);
  await noLeaks(page, 'en');
  const compEn = await page.locator('.card[data-policy="sc25-rd-subsidy"] .computation li').allTextContents();
  check('the English computation is the API\'s English', compEn.length > 0 && compEn.join('\n') === (byId['sc25-rd-subsidy'].computation?.en || []).join('\n'), compEn.join(' | '));
  await page.screenshot({ path: outdir + '/page-en.png', fullPage: true });
  await page.fill('[name="hq.star"]', '9');
  await submit(page, '#api-errors');
  const enErr = await errorBeside(page, 'hq.star');
  check('in English the API\'s error is in English beside its field', enErr.invalid === 'true' && enErr.shown && enErr.text && !hasCJK(enErr.text) &&
    (await page.textContent('#api-errors')).includes(rdField && schema.fields.find((f) => f.path === 'hq.star').label_en), JSON.stringify(enErr));
  await page.evaluate(() => { document.getElementById('results').textContent = ''; });
  await page.click('#lang');
  await page.waitForSelector('#api-errors');
  const zhErr = await errorBeside(page, 'hq.star');
  check('switching the language says the errors again in the new language', zhErr.invalid === 'true' && hasCJK(zhErr.text || ''), JSON.stringify(zhErr));
  await page.click('#lang');
  await page.fill('[name="hq.star"]', String(example.hq.star));
  await submit(page);
  await page.emulateMedia({ media: 'print' });
  check('the English print view says it is an estimate', (await page.textContent('#print-head')).includes('not an approval decision'));
  await page.screenshot({ path: outdir + '/print-en.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  check('no script errors on the desktop page', errors.length === 0, errors.join('; '));

  // a phone, 375 px wide: the form and the results readable, nothing wider than the screen
  const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, isMobile: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const perrors = [];
  watch(phone, perrors);
  await phone.goto(url);
  await phone.waitForSelector('fieldset');
  check('the form fits a 375 px phone without horizontal scrolling', await noHorizontalScroll(phone));
  await phone.screenshot({ path: outdir + '/phone.png', fullPage: false });
  await phone.click('#example');
  for (let i = 0; i < 50 && (await phone.inputValue('[name="id"]')) === ''; i++) await phone.waitForTimeout(100);
  await submit(phone);
  check('the results fit a 375 px phone without horizontal scrolling', await noHorizontalScroll(phone));
  const cut = await phone.evaluate(() => [...document.querySelectorAll('#results .amount, #results .computation li, #results .flag, #results .window')]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth || e.scrollWidth > e.clientWidth + 1; })
    .map((e) => e.textContent));
  check('on the phone no amount, computation or flag is cut', cut.length === 0, cut.slice(0, 4).join(' | '));
  await phone.locator('#results').screenshot({ path: outdir + '/phone-results.png' });
  await phone.click('#lang');
  await submit(phone);
  check('the English results fit the phone too', await noHorizontalScroll(phone));
  await phone.locator('#results').screenshot({ path: outdir + '/phone-results-en.png' });
  check('no script errors on the phone', perrors.length === 0, perrors.join('; '));

  // ---- book 2: a 钱塘区 enterprise typed on a 390 px phone, as people type (万, 2024/3/15, 2024年3月) ----
  const qp = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const qerrors = [];
  watch(qp, qerrors);
  await qp.goto(url);
  await qp.waitForSelector('fieldset');
  await qp.fill('#asof', '2025-06-30');
  check('awards are never an input: no field of the award ledger in the form',
    (await qp.locator('[name^="awards"]').count()) === 0 && (await qp.locator('[data-add="awards"]').count()) === 0);
  check('without awards the form says in one line that the district fills them in',
    (await qp.textContent('[data-records="awards"]')).includes('由区里根据兑付记录填写') &&
    (await qp.textContent('[data-records="awards"] h3')) === '已获奖励记录（来自区兑付记录）');
  await qp.fill('[name="id"]', '91330114MA2QTTEST1');
  await qp.fill('[name="name"]', '钱塘测试软件有限公司');
  await qp.selectOption('[name="district"]', '钱塘区');
  await qp.fill('[name="founded"]', '2019/5/1');
  check('a date typed as 2019/5/1 is understood as 2019-05-01', (await qp.textContent('[name="founded"] + output')) === '= 2019-05-01');
  await qp.selectOption('[name="industry"]', 'software');
  await qp.fill('[name="finance.year"]', '2024');
  await qp.fill('[name="finance.revenue"]', '6000万');
  await qp.fill('[name="finance.local_contribution"]', '5000万');
  await qp.fill('[name="finance.prev_revenue"]', '5000万');
  await qp.fill('[name="finance.prev2_revenue"]', '4000万');
  for (let i = 0; i < 3; i++) await qp.click('[data-add="grants"]');
  check('each grant is a card titled from the list\'s unit (第1项上级项目资金 …)',
    (await qp.locator('[data-list="grants"] .item-title').allTextContents()).join(',') === '第1项上级项目资金,第2项上级项目资金,第3项上级项目资金');
  await qp.fill('[name="grants[0].name"]', '国家重点研发计划-2024');
  await qp.selectOption('[name="grants[0].level"]', 'national');
  await qp.fill('[name="grants[0].received"]', '2024/5/10');
  await qp.fill('[name="grants[0].amount"]', '300万');
  await qp.fill('[name="grants[1].name"]', '写错的一项');
  await qp.locator('[data-list="grants"] .item').nth(1).locator('.remove').click();
  check('removing a card renumbers the others',
    (await qp.locator('[data-list="grants"] .item-title').allTextContents()).join(',') === '第1项上级项目资金,第2项上级项目资金' &&
    (await qp.inputValue('[name="grants[1].name"]')) === '');
  await qp.fill('[name="grants[1].name"]', '浙江省尖兵领雁-2024');
  await qp.selectOption('[name="grants[1].level"]', 'provincial');
  await qp.fill('[name="grants[1].received"]', '2024年9月1日');
  await qp.fill('[name="grants[1].amount"]', '12,000,000.50');
  check('a card shows which grant it is once named', (await qp.textContent('[data-list="grants"] .item:nth-child(2) .item-key')) === '浙江省尖兵领雁-2024');
  await qp.click('[data-add="talents"]');
  check('talents are cards the same way (第1位高层次人才, its fields, a remove button)',
    (await qp.textContent('[data-list="talents"] .item-title')) === '第1位高层次人才' &&
    (await qp.locator('[name="talents[0].name"], [name="talents[0].level"], [name="talents[0].arrived"], [name="talents[0].insured_here"]').count()) === 4);
  await qp.locator('[data-list="talents"] .item .remove').click();
  check('the last card removed leaves the list empty, said so', (await qp.locator('[data-list="talents"] .item').count()) === 0 &&
    (await qp.textContent('[data-list-of="talents"] .count')) === '尚未添加');
  // three months typed (2024-01, 2024年2月, 2024/3), the other nine added by the claim-year button
  for (const [i, m] of [[0, '2024-01'], [1, '2024年2月'], [2, '2024/3']]) {
    await qp.click('[data-add="social.monthly"]');
    await qp.fill(`[name="social.monthly[${i}].month"]`, m);
  }
  check('a month typed as 2024年2月 is understood as 2024-02', (await qp.textContent('[name="social.monthly[1].month"] + output')) === '= 2024-02');
  await qp.click('[data-list-of="social.monthly"] .add-months');
  const months = await qp.locator('[data-list="social.monthly"] [data-type="month"]').evaluateAll((ws) => ws.map((w) => w.value));
  check('the claim-year button adds the 9 months not yet there (12 in all)', months.length === 12 &&
    months.slice(3).join(',') === '2024-04,2024-05,2024-06,2024-07,2024-08,2024-09,2024-10,2024-11,2024-12', months.join(','));
  for (let i = 0; i < 12; i++) await qp.fill(`[name="social.monthly[${i}].insured"]`, String(50 + i));
  check('the filled form fits a 390 px phone without horizontal scrolling', await noHorizontalScroll(qp));
  const over = await qp.evaluate(() => [...document.querySelectorAll('.item, .item input, .item select, .item-head button, .list-actions button')]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; }).map((e) => e.className || e.name));
  check('no card, field or button of a list sticks out of the phone\'s screen', over.length === 0, over.slice(0, 4).join(' | '));
  await qp.locator('[data-group="钱塘区·项目资金"]').screenshot({ path: outdir + '/qt25-phone-grants.png' });
  await qp.locator('[data-group="钱塘区·社保"]').screenshot({ path: outdir + '/qt25-phone-months.png' });
  // what the page must have sent, and what the API says of it
  const qtProfile = { id: '91330114MA2QTTEST1', name: '钱塘测试软件有限公司', district: '钱塘区', founded: '2019-05-01', industry: 'software',
    finance: { year: 2024, revenue: '60000000.00', local_contribution: '50000000.00', prev_revenue: '50000000.00', prev2_revenue: '40000000.00' },
    grants: [{ name: '国家重点研发计划-2024', level: 'national', received: '2024-05-10', amount: '3000000.00' },
      { name: '浙江省尖兵领雁-2024', level: 'provincial', received: '2024-09-01', amount: '12000000.50' }],
    social: { monthly: Array.from({ length: 12 }, (_, i) => ({ month: '2024-' + String(i + 1).padStart(2, '0'), insured: 50 + i })) } };
  const qtTruth = await api('/api/v1/eval?as_of=2025-06-30', qtProfile);
  let sent = null;
  qp.on('request', (r) => { if (r.url().includes('/api/v1/eval')) sent = JSON.parse(r.postData() || 'null'); });
  await submit(qp);
  check('the form sends the two grants and the 12 months as typed, read exactly',
    sent && JSON.stringify(sent.grants) === JSON.stringify(qtProfile.grants) &&
    JSON.stringify(sent.social) === JSON.stringify(qtProfile.social), JSON.stringify(sent && [sent.grants, sent.social]).slice(0, 300));
  const yuan = (s) => money(s);
  const qtTotals = await qp.textContent('#totals');
  check('the 钱塘区 totals shown equal the API\'s for that profile',
    qtTotals === '现金合计 ' + yuan(qtTruth.totals.cash) + '　实物价值合计 ' + yuan(qtTruth.totals.in_kind), qtTotals);
  // book 2 §3 by hand: national 100% × 3,000,000 + min(50% × 12,000,000.50 = 6,000,000.25, 5,000,000)
  const gm = await qp.textContent('.card[data-policy="qt25-grant-match"] .amount');
  check('qt25-grant-match shows ¥8,000,000.00 (3,000,000.00 + min(6,000,000.25, 5,000,000))', gm === '符合 ¥8,000,000.00', gm);
  // W2 5,000,000,000 ≥ 4,600,000,000, W3 6,000,000,000 ≥ 5,750,000,000, every month ≥ 50; not 25% (6,000,000,000 < 6,250,000,000)
  const gr = await qp.textContent('.card[data-policy="qt25-growth"] .amount');
  check('qt25-growth shows ¥100,000.00 (15% twice, not 25% twice, 12 months ≥ 50 insured)', gr === '符合 ¥100,000.00', gr);
  const ms = await qp.textContent('.card[data-policy="qt25-milestone"] .amount');
  check('qt25-milestone shows ¥500,000.00 (60,000,000 crosses 50,000,000)', ms === '符合 ¥500,000.00', ms);
  const gmComp = await qp.locator('.card[data-policy="qt25-grant-match"] .computation li').allTextContents();
  check('the grant-match card shows its computation in words', gmComp.length > 0 && gmComp.every(hasCJK), gmComp.join(' | '));
  const toutyan = await qp.textContent('.card[data-policy="qt25-toutyan"]');
  check('an ineligible book-2 card gives its reasons in words', toutyan.includes('不符合') && toutyan.includes('头雁'), toutyan.slice(0, 160));
  const purchase = await qp.textContent('.card[data-policy="qt25-hq-purchase"]');
  check('book-2 statuses shown', (await qp.locator('.card[data-policy^="qt25-"]').count()) === 12 && purchase.length > 0);
  await noLeaks(qp, 'zh');
  check('the 钱塘区 results fit the phone', await noHorizontalScroll(qp));
  await qp.evaluate(() => { document.getElementById('totals').scrollIntoView({ block: 'start' }); window.scrollBy(0, -8); });
  await qp.screenshot({ path: outdir + '/qt25-phone.png' }); /* the totals and the first (eligible) cards */
  await qp.locator('.card[data-policy="qt25-toutyan"]').screenshot({ path: outdir + '/qt25-phone-reasons.png' });
  // a grant whose date is missing: eligible for the others, the missing date named in words and one click away
  await qp.fill('[name="grants[1].received"]', '');
  await submit(qp);
  const partial = await qp.textContent('.card[data-policy="qt25-grant-match"]');
  check('a grant without its date: ¥3,000,000.00, and the missing date named by its label',
    partial.includes('¥3,000,000.00') && partial.includes('到账日期') && !/grants\[/.test(partial), partial.slice(0, 300));
  await qp.click('.card[data-policy="qt25-grant-match"] .missing-data a.focus');
  check('the missing date of the second grant is one click away',
    await qp.evaluate(() => document.activeElement && document.activeElement.name) === 'grants[1].received');
  await qp.fill('[name="grants[1].received"]', '2024-09-01');
  // English: the new sections and the cards in English
  await qp.click('#lang');
  const legendsEn = await qp.locator('legend').allTextContents();
  check('the 钱塘区 sections are named in English', legendsEn.includes('Qiantang · higher-level grants') &&
    legendsEn.includes('Qiantang · social insurance') && !legendsEn.some(hasCJK), legendsEn.join(','));
  check('the cards keep what was typed, titled in English',
    (await qp.locator('[data-list="grants"] .item-title').allTextContents()).join(',') === 'Grant 1,Grant 2' &&
    (await qp.locator('[data-list="social.monthly"] .item-title').first().textContent()) === 'Item 1' &&
    (await qp.inputValue('[name="grants[1].amount"]')) === '12,000,000.50' && (await qp.locator('[data-list="social.monthly"] .item').count()) === 12);
  const formEn = await qp.evaluate(() => { const f = document.getElementById('form').cloneNode(true);
    for (const e of f.querySelectorAll('input, select, .item-key')) e.remove(); return f.textContent; });
  const cjkForm = formEn.match(/.{0,30}[\u3400-\u9fff]+.{0,30}/);
  check('the English form has no Chinese outside what was typed (万 in hints aside)', !cjkForm || /^[^\u3400-\u9fff]*(1\.5万|年3月)/.test(cjkForm[0]), cjkForm && cjkForm[0]);
  await submit(qp);
  check('in English: qt25-grant-match Eligible ¥8,000,000.00',
    (await qp.textContent('.card[data-policy="qt25-grant-match"] .amount')) === 'Eligible ¥8,000,000.00');
  await noLeaks(qp, 'en', ['国家重点研发计划-2024', '浙江省尖兵领雁-2024']);
  check('the English 钱塘区 page fits the phone', await noHorizontalScroll(qp));
  await qp.evaluate(() => { document.getElementById('totals').scrollIntoView({ block: 'start' }); window.scrollBy(0, -8); });
  await qp.screenshot({ path: outdir + '/qt25-phone-en.png' });
  await qp.locator('[data-group="钱塘区·项目资金"]').screenshot({ path: outdir + '/qt25-phone-grants-en.png' });
  await qp.click('#lang');

  // a profile from a file with the district's award records (book 2 §5 case 4): shown read-only, sent as they are
  const case4 = { id: 'QT-CASE-4', name: '钱塘丁控股有限公司', district: '钱塘区', founded: '2010-06-01', moved_in: '2021-03-01', industry: 'finance',
    tags: ['hq', 'high_tech'], applied: '2025-04-01',
    finance: { year: 2024, revenue: 300000000, prev_revenue: 290000000, prev2_revenue: 280000000, local_contribution: 16000000 },
    tech: { high_tech_certified: '2024-04-15' }, lease: { start: '2022-01-01', m2: 6200, rent_per_m2_month: 120, guide_rent_per_m2_month: 80 },
    grants: [{ name: '国家重点研发计划-2024', level: 'national', received: '2024-03-18', amount: 3000000 },
      { name: '浙江省尖兵领雁-2024', level: 'provincial', received: '2024-10-09', amount: 12000000.50 }],
    awards: [{ policy: 'qt25-hq-settle', year: 2021, amount: 5000000, key: '2021' }, { policy: 'qt25-hq-settle', year: 2022, amount: 12000000, key: '2022' },
      { policy: 'qt25-hq-settle', year: 2023, amount: 7000000, key: '2023' }, { policy: 'qt25-high-tech', year: 2024, amount: 200000, key: '2024-04-15' }] };
  await qp.setInputFiles('#file', { name: 'case4.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(case4)) });
  await qp.waitForSelector('.records-table');
  const recs = await qp.locator('.records-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  check('the award records are a read-only table: policy title, claim year, ¥amount, key',
    recs.length === 4 && recs[0].join('|') === '新落户总部五年贡献奖励|2021|¥5,000,000.00|2021' &&
    recs[3].join('|') === '高新技术企业认定奖励|2024|¥200,000.00|2024-04-15' &&
    (await qp.locator('[data-records="awards"] input, [data-records="awards"] select').count()) === 0, JSON.stringify(recs));
  check('the file\'s lists fill their cards', (await qp.locator('[data-list="grants"] .item').count()) === 2 &&
    (await qp.locator('[data-list="social.monthly"] .item').count()) === 0 && (await qp.inputValue('[name="grants[1].amount"]')) === '12000000.5');
  await qp.locator('[data-group="钱塘区·已获奖励"]').screenshot({ path: outdir + '/qt25-phone-awards.png' });
  await submit(qp);
  const c4Truth = await api('/api/v1/eval?as_of=2025-06-30', case4);
  check('case 4 as loaded: the totals equal the API\'s (the awards were sent)', (await qp.textContent('#totals')).includes(money(c4Truth.totals.cash)) &&
    c4Truth.totals.cash === '15799999.99', c4Truth.totals.cash);
  const steps = await qp.locator('.card[data-policy="qt25-hq-settle"] .cap-steps li').allTextContents();
  check('the cap steps are lines 企业上限「…」：¥a → ¥b, in the set\'s order',
    steps.length === 2 && steps[0].startsWith('企业上限「总部扶持累计不超过3000万元」：¥8,000,000.00 → ¥6,000,000.00') &&
    steps[1].startsWith('企业上限「同一年度区级扶持以企业区级地方财政贡献为限」：¥6,000,000.00 → ¥5,246,705.86'), steps.join(' | '));
  check('case 4: grant-match ¥6,995,607.82 after the annual cap',
    (await qp.textContent('.card[data-policy="qt25-grant-match"] .amount')) === '符合 ¥6,995,607.82');
  const ht = await qp.textContent('.card[data-policy="qt25-high-tech"] .reasons');
  check('case 4: high-tech ineligible, the ledger entry said in words', ht.includes('已获奖励记录') && !/awards\[/.test(ht), ht);
  await noLeaks(qp, 'zh');
  await qp.locator('.card[data-policy="qt25-hq-settle"]').screenshot({ path: outdir + '/qt25-phone-caps.png' });
  await qp.click('#example');
  for (let i = 0; i < 50 && (await qp.inputValue('[name="id"]')) !== example.id; i++) await qp.waitForTimeout(100);
  check('loading another profile drops the records of the last', (await qp.locator('.records-table').count()) === 0 &&
    (await qp.locator('[data-list="grants"] .item').count()) === 0);
  check('no script errors on the 钱塘区 phone page', qerrors.length === 0, qerrors.join('; '));
} catch (e) {
  check('the page test ran', false, String(e));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
