/* The web calculator: a form built from /api/v1/schema, results from /api/v1/eval. Every text
 * from a profile or a policy is set with textContent: markup in a company name stays text. */
'use strict';
let schema = null, lang = 'zh', last = null;
const $ = (id) => document.getElementById(id);
const T = (zh, en) => (lang === 'zh' ? zh : en);
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) if (k) e.append(k);
  return e;
};
const groups = ['基本信息', '财务数据', '门店', '总部', '人才', '办公空间', '上市进度'];
const groupEn = {'基本信息': 'Basics', '财务数据': 'Finance', '门店': 'Stores', '总部': 'Headquarters',
  '人才': 'Talent', '办公空间': 'Office space', '上市进度': 'Listing'};

// Yuan as people write them, read exactly as the server reads them (calc_money_parse): 15000,
// 15000.50, 1,200,000, 1.5万, 2.3亿, ¥…, …元. Returns {fen: BigInt} or {error: text}.
function parseYuan(text) {
  let s = text.trim().replace(/^[¥￥]/, '').replace(/元$/, '');
  let scale = 0;
  if (s.endsWith('万')) { scale = 4; s = s.slice(0, -1); } else if (s.endsWith('亿')) { scale = 8; s = s.slice(0, -1); }
  const bad = {error: T('无法识别的金额（请写 15000、1.5万 或 1,200,000）', 'not an amount (write 15000, 1.5万 or 1,200,000)')};
  const m = s.match(/^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/);
  if (!m) return bad;
  const dec = m[2] || '';
  if (dec.length > 2 + scale) return {error: T('金额最多精确到分', 'at most two decimals of yuan (amounts are exact to the fen)')};
  return {fen: BigInt(m[1].replace(/,/g, '') + dec.padEnd(2 + scale, '0'))};
}
const fenText = (fen) => { const s = fen.toString().padStart(3, '0'); return s.slice(0, -2) + '.' + s.slice(-2); };
const fenYuan = (fen) => { const [i, d] = fenText(fen).split('.'); return '¥' + i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + d; };

// What the page understood of a money field, shown beside it as it is typed.
function understand(w) {
  const out = w.parentNode && w.parentNode.querySelector('output.understood');
  if (!out) return null;
  w.removeAttribute('aria-invalid');
  out.className = 'understood';
  if (w.value.trim() === '') { out.textContent = ''; return null; }
  const r = parseYuan(w.value);
  if (r.error) { out.textContent = r.error; out.className = 'understood bad'; w.setAttribute('aria-invalid', 'true'); }
  else out.textContent = '= ' + fenYuan(r.fen);
  return r;
}

function input(f, name) {
  let w;
  const id = 'f-' + name.replace(/[\[\].]/g, '_');
  if (f.type === 'enum') {
    w = el('select', {id, name});
    w.append(el('option', {value: '', text: '—'}));
    for (const v of schema.enums[f.enum]) w.append(el('option', {value: v.value, text: v.label === v.value ? v.value : v.label + ' ' + v.value}));
  } else if (f.type === 'bool') {
    w = el('select', {id, name});
    for (const [v, t] of [['', '—'], ['true', T('是', 'yes')], ['false', T('否', 'no')]]) w.append(el('option', {value: v, text: t}));
  } else if (f.type === 'list' && f.enum) {
    w = el('select', {id, name, multiple: 'multiple'});
    for (const v of schema.enums[f.enum]) w.append(el('option', {value: v.value, text: v.label}));
  } else {
    w = el('input', {id, name, type: f.type === 'date' ? 'date' : f.type === 'int' ? 'number' : 'text'});
    if (f.type === 'money') { /* text: 1.5万 and 1,200,000 are amounts too, and are never cut */
      w.setAttribute('inputmode', 'decimal');
      w.setAttribute('autocomplete', 'off');
      w.placeholder = T('如 15000 或 1.5万', 'e.g. 15000 or 1.5万');
      w.addEventListener('input', () => understand(w));
    }
    if (f.type === 'int') w.step = '1';
    if (f.min !== undefined && f.type !== 'money') w.min = f.min;
  }
  w.dataset.type = f.type;
  const box = el('div', {class: 'field'}, el('label', {for: id, text: lang === 'zh' ? f.label : f.path}), w,
    f.type === 'money' ? el('output', {class: 'understood', for: id, 'aria-live': 'polite'}) : null,
    el('small', {text: lang === 'zh' ? f.zh : f.en}));
  if (f.type === 'money' || (f.type === 'int' && !/(^|\.)year$/.test(f.path))) { /* not on a year */
    const slider = el('input', {type: 'range', min: '0', max: '200', value: '100', 'aria-label': T('假设变化', 'what if')});
    const out = el('span', {text: ''});
    slider.addEventListener('input', () => {
      if (f.type === 'money') { /* exact: fen as BigInt, the share floored to the fen */
        if (w.dataset.base === undefined) { const r = parseYuan(w.value || '0'); if (r.error) return; w.dataset.base = r.fen.toString(); }
        w.value = fenText(BigInt(w.dataset.base) * BigInt(slider.value) / 100n);
        understand(w);
      } else {
        if (w.dataset.base === undefined) w.dataset.base = w.value || '0';
        w.value = Math.round(Number(w.dataset.base) * Number(slider.value) / 100);
      }
      out.textContent = slider.value + '%';
      clearTimeout(window.tmr); window.tmr = setTimeout(evaluate, 250);
    });
    w.addEventListener('change', () => { delete w.dataset.base; slider.value = '100'; out.textContent = ''; });
    box.append(el('div', {class: 'whatif'}, el('span', {text: T('假设', 'what if')}), slider, out));
  }
  return box;
}

function storeBlock(i) {
  const b = el('div', {class: 'store grid', 'data-index': i});
  for (const f of schema.fields.filter((f) => f.path.startsWith('stores[].'))) b.append(input(f, 'stores[' + i + '].' + f.path.slice(9)));
  return b;
}

function build() {
  const form = $('form');
  form.textContent = '';
  for (const g of groups) {
    const fs = el('fieldset', {}, el('legend', {text: T(g, groupEn[g])}));
    const grid = el('div', {class: 'grid'});
    for (const f of schema.fields.filter((f) => f.group === g && !f.path.includes('[]'))) {
      if (f.type === 'list' && !f.enum) continue;
      grid.append(input(f, f.path));
    }
    fs.append(grid);
    if (g === '门店') {
      const list = el('div', {id: 'stores'});
      fs.append(list, el('button', {type: 'button', id: 'addstore', text: T('增加门店', 'Add a store')}));
    }
    form.append(fs);
  }
  $('addstore').addEventListener('click', () => $('stores').append(storeBlock($('stores').children.length)));
}

function collect(bad = [], raw = false) {
  const p = {};
  for (const w of $('form').querySelectorAll('input[name],select[name]')) {
    let v;
    if (w.multiple) { v = [...w.selectedOptions].map((o) => o.value); if (!v.length) continue; }
    else { v = w.value; if (v === '') continue; }
    if (w.dataset.type === 'int') v = Number(v);
    if (w.dataset.type === 'money' && !raw) { /* sent as understood, or not at all */
      const r = parseYuan(v);
      if (r.error) { bad.push(w); continue; }
      v = fenText(r.fen);
    }
    if (w.dataset.type === 'bool') v = v === 'true';
    let o = p;
    const parts = w.name.split('.');
    parts.forEach((k, i) => {
      const m = k.match(/^(\w+)\[(\d+)\]$/);
      const last = i === parts.length - 1;
      if (m) { o[m[1]] = o[m[1]] || []; o[m[1]][m[2]] = o[m[1]][m[2]] || {}; o = o[m[1]][m[2]]; }
      else if (last) o[k] = v; else { o[k] = o[k] || {}; o = o[k]; }
    });
  }
  if (p.stores) p.stores = p.stores.filter(Boolean);
  return p;
}

function fill(p, prefix) {
  for (const [k, v] of Object.entries(p)) {
    const name = prefix ? prefix + '.' + k : k;
    if (k === 'stores') {
      $('stores').textContent = '';
      v.forEach((s, i) => { $('stores').append(storeBlock(i)); fill(s, 'stores[' + i + ']'); });
    } else if (v && typeof v === 'object' && !Array.isArray(v)) fill(v, name);
    else {
      const w = $('form').querySelector('[name="' + name + '"]');
      if (!w) continue;
      if (w.multiple) for (const o of w.options) o.selected = v.includes(o.value);
      else { w.value = String(v); if (w.dataset.type === 'money') understand(w); }
    }
  }
}

const statusText = {eligible: ['符合', 'eligible'], ineligible: ['不符合', 'ineligible'], needs_data: ['需补充资料', 'needs data'],
  not_in_force: ['不在有效期', 'not in force'], superseded: ['就高未选', 'superseded'], error: ['错误', 'error']};
const yuan = (s) => '¥' + Number(s).toLocaleString('zh-CN', {minimumFractionDigits: 2, maximumFractionDigits: 2});

function focusField(path) {
  const w = $('form').querySelector('[name="' + path + '"]');
  if (w) { w.classList.add('missing'); w.focus(); w.scrollIntoView({block: 'center'}); }
}

function render(r) {
  const out = $('results');
  out.textContent = '';
  if (r.error && !r.errors) { /* a request the server refused (a bad or empty date): said in words */
    out.append(el('div', {class: 'errors', id: 'request-error'}, el('h2', {text: T('资料有误', 'Please check')}),
      el('p', {text: (r.error[lang] || r.error).message || String(r.error)})));
    return;
  }
  if (r.errors) {
    const box = el('div', {class: 'errors'}, el('h2', {text: T('资料有误', 'Please check')}));
    for (const e of r.errors) { /* in the page's language: the API gives both */
      const m = e[lang] || e;
      const a = el('a', {class: 'focus', text: (e.path || '') + '：' + m.message + (m.hint ? '（' + m.hint + '）' : '')});
      a.addEventListener('click', () => focusField(e.path));
      box.append(el('p', {}, a));
    }
    out.append(box);
    return;
  }
  last = r;
  for (const w of r.warnings || []) { /* ¥0 because nothing is in force: said, with the way out */
    const box = el('div', {class: 'warning', id: 'warning-' + w.code}, el('p', {text: lang === 'zh' ? w.zh : w.en}));
    if (w.latest_in_force) {
      const b = el('button', {type: 'button', text: T('按 ', 'Estimate as of ') + w.latest_in_force + T(' 测算', '')});
      b.addEventListener('click', () => { $('asof').value = w.latest_in_force; evaluate(); });
      box.append(b);
    }
    out.append(box);
  }
  out.append(el('div', {class: 'totals', id: 'totals', text: T('现金合计 ', 'Cash ') + yuan(r.totals.cash) + '　' + T('实物价值合计 ', 'In kind ') + yuan(r.totals.in_kind)}));
  const order = ['eligible', 'needs_data', 'ineligible', 'superseded', 'error', 'not_in_force'];
  const rs = [...r.results].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  for (const x of rs) {
    const card = el('div', {class: 'card ' + x.status, 'data-policy': x.policy});
    let amt = x.kind === 'match' ? (x.status === 'eligible' ? T('匹配', 'matched') : '') :
      x.kind === 'in_kind' ? x.quantity + (x.unit === 'm2' ? ' m² ' : T(' 套 ', ' units ')) + '(' + yuan(x.amount) + ')' : yuan(x.amount);
    card.append(el('h3', {}, el('span', {text: (lang === 'zh' ? x.title.zh : x.title.en)}),
      el('span', {class: 'amount', text: statusText[x.status][lang === 'zh' ? 0 : 1] + ' ' + amt})));
    if (x.status === 'needs_data') {
      const p = el('p', {text: T('请补充：', 'Please provide: ')});
      for (const m of x.missing) { const a = el('a', {class: 'focus', text: m}); a.addEventListener('click', () => focusField(m)); p.append(a, ' '); }
      card.append(p);
    }
    if (x.status === 'ineligible') {
      const ul = el('ul');
      for (const c of x.reasons) ul.append(el('li', {text: c.name + (c.field ? ' [' + c.field + '] ' : ' ') + T('实际 ', 'actual ') + (c.actual ?? T('未提供', 'absent')) + T('，要求 ', ', required ') + c.required}));
      card.append(ul);
    }
    if (x.to_qualify && x.to_qualify.possible && x.to_qualify.changes.length) {
      const q = x.to_qualify.changes.map((c) => c.field + ' → ' + c.to + (c.by ? ' (' + c.by + ')' : '')).join('；');
      card.append(el('p', {text: T('如何符合：', 'To qualify: ') + q + (x.kind === 'match' ? '' : ' → ' + yuan(x.to_qualify.amount))}));
    }
    if (x.superseded_by) card.append(el('p', {text: T('就高不重复，由 ', 'Superseded by ') + x.superseded_by}));
    if (x.source) card.append(el('p', {class: 'quote', text: '《' + x.source.doc + '》“' + x.source.quote + '”'}));
    out.append(card);
  }
  $('footer').textContent = T('规则集指纹 ', 'policy set ') + r.fingerprint.policy_set + ' · ' + T('测算日期 ', 'as of ') + r.as_of;
}

async function evaluate() {
  for (const w of document.querySelectorAll('.missing')) w.classList.remove('missing');
  if (!/^\d{4}-\d{2}-\d{2}$/.test($('asof').value)) { /* no date, no estimate: said, not sent */
    const out = $('results');
    out.textContent = '';
    out.append(el('div', {class: 'errors', id: 'request-error'}, el('h2', {text: T('资料有误', 'Please check')}),
      el('p', {text: T('请选择测算日期（政策是否有效取决于日期）', 'Choose the date of the estimate (whether a policy is in force depends on it)')})));
    $('asof').focus();
    return;
  }
  const bad = [];
  const body = collect(bad);
  if (bad.length) { /* a value the page cannot read is never sent, nor half of it */
    for (const w of bad) understand(w);
    const out = $('results');
    out.textContent = '';
    const box = el('div', {class: 'errors', id: 'input-errors'}, el('h2', {text: T('资料有误', 'Please check')}));
    for (const w of bad) {
      const label = w.parentNode.querySelector('label').textContent;
      const a = el('a', {class: 'focus', text: label + '：' + parseYuan(w.value).error});
      a.addEventListener('click', () => focusField(w.name));
      box.append(el('p', {}, a));
    }
    out.append(box);
    bad[0].focus();
    return;
  }
  const res = await fetch('/api/v1/eval?explain=1&as_of=' + encodeURIComponent($('asof').value),
    {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  render(await res.json());
}

function relabel() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const e of document.querySelectorAll('[data-zh]')) e.textContent = e.dataset[lang];
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const keep = collect([], true); /* as typed, even what is not an amount yet */
  build();
  fill(keep);
  if (last) render(last);
}

async function main() {
  $('asof').value = new Date().toISOString().slice(0, 10);
  schema = await (await fetch('/api/v1/schema')).json();
  build();
  $('submit').addEventListener('click', evaluate);
  $('print').addEventListener('click', () => window.print());
  $('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; relabel(); });
  $('example').addEventListener('click', async () => {
    const p = await (await fetch('/api/v1/example')).json();
    $('form').reset();
    $('stores').textContent = '';
    fill(p);
    $('asof').value = '2025-06-30';
  });
}
main();
