/* The web calculator: a form built from /api/v1/schema, estimates from /api/v1/eval. Every text
 * from a profile or a policy is set with textContent: markup in a company name stays text.
 * What a person reads is words: labels from the schema and the results (`label`,
 * `missing_labels`, `computation`, `pool_claim`, …), never a field path, a code or a rule's
 * name; where a label is missing the page says the field's schema label or a neutral word and
 * marks the element (data-fallback), which the browser test counts as a defect. */
'use strict';
let schema = null, policies = {}, lang = 'zh';
let last = null;     /* the last estimate shown, with what was sent for it: {r, sent} */
let shown = null;    /* what #results holds: 'result', 'errors' or null */
let seq = 0;         /* the latest request: an older answer arriving late is dropped */
let storeIndex = []; /* the sent profile's stores[i] is the form's stores[storeIndex[i]] */
const $ = (id) => document.getElementById(id);
const T = (zh, en) => (lang === 'zh' ? zh : en);
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
};
const groupEn = {'基本信息': 'Basics', '财务数据': 'Finance', '门店': 'Stores', '总部': 'Headquarters',
  '人才': 'Talent', '办公空间': 'Office space', '上市进度': 'Listing'};
const hasCJK = (s) => /[\u3400-\u9fff\uf900-\ufaff]/.test(s);

// ---- what is typed, read exactly as the server reads it ----

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
// A count as people write it: 48, 1,200, 1.2万 (whole after scaling). The range is the
// server's to judge (it says so beside the field), so a sign is read, not refused.
// Returns {n: Number} or {error: text}.
function parseCount(text) {
  const s = text.trim();
  const bad = {error: T('请填写整数，如 48 或 1,200', 'write a whole number, e.g. 48 or 1,200')};
  const m = s.match(/^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(万?)$/);
  if (!m) return bad;
  const scale = m[4] ? 4 : 0, dec = m[3] || '';
  if (dec.length > scale || (dec && /[1-9]/.test(dec.slice(scale)))) return bad;
  const n = BigInt(m[2].replace(/,/g, '') + dec.padEnd(scale, '0'));
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return {error: T('数值过大', 'too large')};
  return {n: Number(m[1] ? -n : n)};
}
const fenText = (fen) => { const s = fen.toString().padStart(3, '0'); return s.slice(0, -2) + '.' + s.slice(-2); };
const group3 = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const fenYuan = (fen) => { const [i, d] = fenText(fen).split('.'); return '¥' + group3(i) + '.' + d; };
// An amount of the API (a decimal string, two places) as ¥1,234.56, exactly: no float.
const money = (s) => {
  const m = String(s ?? '').match(/^(-?)(\d+)(?:\.(\d*))?$/);
  if (!m) return String(s ?? '');
  return m[1] + '¥' + group3(m[2]) + '.' + (m[3] || '').padEnd(2, '0').slice(0, 2);
};

// What the page understood of a money or count field, shown beside it as it is typed.
function understand(w) {
  const out = w.closest('.field') && w.closest('.field').querySelector('output.understood');
  if (!out) return null;
  w.removeAttribute('aria-invalid');
  out.className = 'understood';
  if (w.value.trim() === '') { out.textContent = ''; return null; }
  const r = w.dataset.type === 'money' ? parseYuan(w.value) : parseCount(w.value);
  if (r.error) { out.textContent = r.error; out.className = 'understood bad'; w.setAttribute('aria-invalid', 'true'); }
  else if (w.dataset.type === 'money') out.textContent = '= ' + fenYuan(r.fen);
  else out.textContent = /[,万]/.test(w.value) ? '= ' + group3(String(r.n)) : ''; /* only where it was not plain */
  return r;
}

// ---- labels ----

const schemaField = (path) => schema && schema.fields.find((f) => f.path === String(path).replace(/\[\d+\]/g, '[]'));
// The field's label in the page's language, or null: never its path.
function fieldLabel(path) {
  const f = schemaField(path);
  if (!f) return null;
  if (lang === 'zh') return f.label || null;
  return f.label_en || null;
}
// An enum value's words: {value, label: {zh, en}} or {value, label, label_en}; the code only
// where no label at all exists (a schema without labels).
function enumLabel(v) {
  const l = v.label;
  if (l && typeof l === 'object') return l[lang] || l.zh || l.en || v.value;
  if (lang === 'en') return v.label_en || v.en || l || v.value;
  return l || v.zh || v.value;
}
// A record's words: its label in the page's language; failing that the schema's label of its
// field, failing that a neutral word. A fallback is marked for the browser test.
function words(label, path, neutral) {
  const t = label && typeof label === 'object' ? label[lang] : null;
  if (t) return {text: t};
  return {text: (path && fieldLabel(path)) || neutral || T('条件', 'condition'), fallback: true};
}
function wordsEl(tag, w, attrs) {
  const e = el(tag, Object.assign({text: w.text}, attrs || {}));
  if (w.fallback) e.dataset.fallback = '1';
  return e;
}

// ---- the form ----

function input(f, name) {
  let w;
  const id = 'f-' + name.replace(/[\[\].]/g, '_');
  if (f.type === 'enum') {
    w = el('select', {id, name});
    w.append(el('option', {value: '', text: '—'}));
    for (const v of schema.enums[f.enum] || []) w.append(el('option', {value: v.value, text: enumLabel(v)}));
  } else if (f.type === 'bool') {
    w = el('select', {id, name});
    for (const [v, t] of [['', '—'], ['true', T('是', 'yes')], ['false', T('否', 'no')]]) w.append(el('option', {value: v, text: t}));
  } else if (f.type === 'list' && f.enum) {
    w = el('select', {id, name, multiple: 'multiple'});
    for (const v of schema.enums[f.enum] || []) w.append(el('option', {value: v.value, text: enumLabel(v)}));
  } else {
    /* money and counts are text: 1.5万 and 1,200,000 are numbers too, and are never cut */
    w = el('input', {id, name, type: f.type === 'date' ? 'date' : 'text'});
    if (f.type === 'money' || f.type === 'int') {
      w.setAttribute('inputmode', f.type === 'money' ? 'decimal' : 'numeric');
      w.setAttribute('autocomplete', 'off');
      w.placeholder = f.type === 'money' ? T('如 15000 或 1.5万', 'e.g. 15000 or 1.5万') : T('整数', 'whole number');
      w.addEventListener('input', () => { clearFieldError(w); understand(w); });
    } else w.addEventListener('input', () => clearFieldError(w));
  }
  w.dataset.type = f.type;
  const label = (lang === 'zh' ? f.label : f.label_en || f.en) || '';
  const desc = (lang === 'zh' ? f.zh : f.en) !== label ? (lang === 'zh' ? f.zh : f.en) : null;
  const box = el('div', {class: 'field'},
    el('label', {for: id, text: label}), w,
    f.type === 'money' || f.type === 'int' ? el('output', {class: 'understood', for: id, 'aria-live': 'polite'}) : null,
    el('span', {class: 'field-error', role: 'alert'}),
    desc ? el('small', {text: desc}) : null);
  if (slidable(f)) box.append(whatIf(f, w));
  return box;
}

// Sliders only on quantities: money and counts, not on a year, a rating or a code.
const slidable = (f) => f.type === 'money' || (f.type === 'int' && f.max === undefined && !/(^|\.)year$/.test(f.path));

function whatIf(f, w) {
  const slider = el('input', {type: 'range', min: '0', max: '200', value: '100', 'aria-label': T('假设变化', 'what if')});
  const out = el('span', {text: ''});
  slider.addEventListener('input', () => {
    if (f.type === 'money') { /* exact: fen as BigInt, the share floored to the fen */
      if (w.dataset.base === undefined) { const r = parseYuan(w.value || '0'); if (r.error) return; w.dataset.base = r.fen.toString(); }
      w.value = fenText(BigInt(w.dataset.base) * BigInt(slider.value) / 100n);
    } else {
      if (w.dataset.base === undefined) { const r = parseCount(w.value || '0'); if (r.error) return; w.dataset.base = String(r.n); }
      w.value = String(BigInt(w.dataset.base) * BigInt(slider.value) / 100n);
    }
    understand(w);
    out.textContent = slider.value + '%';
    clearTimeout(window.tmr); window.tmr = setTimeout(evaluate, 250);
  });
  w.addEventListener('change', () => { delete w.dataset.base; slider.value = '100'; out.textContent = ''; });
  return el('div', {class: 'whatif'}, el('span', {text: T('假设', 'what if')}), slider, out);
}

function storeBlock(i) {
  const b = el('div', {class: 'store grid', 'data-index': i});
  for (const f of schema.fields.filter((f) => f.path.startsWith('stores[].'))) b.append(input(f, 'stores[' + i + '].' + f.path.slice(9)));
  return b;
}

function build() {
  const form = $('form');
  form.textContent = '';
  const groups = [...new Set(schema.fields.map((f) => f.group).filter(Boolean))];
  for (const g of groups) {
    const fs = el('fieldset', {}, el('legend', {text: T(g, groupEn[g] || g)}));
    const grid = el('div', {class: 'grid'});
    for (const f of schema.fields.filter((f) => f.group === g && !f.path.includes('[]'))) {
      if (f.type === 'list' && !f.enum) continue;
      grid.append(input(f, f.path));
    }
    fs.append(grid);
    if (schema.fields.some((f) => f.group === g && f.path.startsWith('stores[].'))) {
      fs.append(el('div', {id: 'stores'}), el('button', {type: 'button', id: 'addstore', text: T('增加门店', 'Add a store')}));
    }
    form.append(fs);
  }
  if ($('addstore')) $('addstore').addEventListener('click', () => $('stores').append(storeBlock($('stores').children.length)));
}

// The profile as the form says it; the widgets that cannot be read go to bad (never sent).
function collect(bad = [], raw = false) {
  const p = {};
  for (const w of $('form').querySelectorAll('input[name],select[name]')) {
    let v;
    if (w.multiple) { v = [...w.selectedOptions].map((o) => o.value); if (!v.length) continue; }
    else { v = w.value; if (v.trim() === '') continue; }
    if (!raw && (w.dataset.type === 'money' || w.dataset.type === 'int')) { /* sent as understood, or not at all */
      const r = w.dataset.type === 'money' ? parseYuan(v) : parseCount(v);
      if (r.error) { bad.push(w); continue; }
      v = w.dataset.type === 'money' ? fenText(r.fen) : r.n;
    }
    if (w.dataset.type === 'bool') v = v === 'true';
    let o = p;
    const parts = w.name.split('.');
    parts.forEach((k, i) => {
      const m = k.match(/^(\w+)\[(\d+)\]$/);
      if (m) { o[m[1]] = o[m[1]] || []; o[m[1]][m[2]] = o[m[1]][m[2]] || {}; o = o[m[1]][m[2]]; }
      else if (i === parts.length - 1) o[k] = v; else { o[k] = o[k] || {}; o = o[k]; }
    });
  }
  if (p.stores) { storeIndex = Object.keys(p.stores).map(Number); p.stores = p.stores.filter(Boolean); }
  else storeIndex = [];
  return p;
}

function fill(p, prefix) {
  for (const [k, v] of Object.entries(p || {})) {
    const name = prefix ? prefix + '.' + k : k;
    if (k === 'stores' && Array.isArray(v) && $('stores')) {
      $('stores').textContent = '';
      v.forEach((s, i) => { $('stores').append(storeBlock(i)); fill(s, 'stores[' + i + ']'); });
    } else if (v && typeof v === 'object' && !Array.isArray(v)) fill(v, name);
    else {
      const w = $('form').querySelector('[name="' + CSS.escape(name) + '"]');
      if (!w) continue;
      if (w.multiple) for (const o of w.options) o.selected = Array.isArray(v) && v.includes(o.value);
      else { w.value = String(v); if (w.dataset.type === 'money' || w.dataset.type === 'int') understand(w); }
    }
  }
}

// ---- errors: beside the field they concern, the others at the top ----

// The form's widget for an error's path: the field itself, a list's field for one of its
// items (tags[1] → tags), the first field of an object (hq.office → hq.office.mode). The
// sent profile's stores are renumbered back to the form's.
function widgetFor(path) {
  if (!path) return null;
  if (path === 'as_of') return $('asof');
  path = path.replace(/^stores\[(\d+)\]/, (all, i) => 'stores[' + (storeIndex[Number(i)] ?? i) + ']');
  const form = $('form');
  const named = (n) => form.querySelector('[name="' + CSS.escape(n) + '"]');
  return named(path) || named(path.replace(/\[\d+\]$/, '')) ||
    [...form.querySelectorAll('[name]')].find((w) => w.name.startsWith(path + '.') || w.name.startsWith(path + '['));
}
const errorSlot = (w) => (w.id === 'asof' ? $('asof-error') : w.closest('.field') && w.closest('.field').querySelector('.field-error'));
function clearFieldError(w) {
  const s = errorSlot(w);
  if (s) s.textContent = '';
  if (w.dataset.type !== 'money' && w.dataset.type !== 'int') w.removeAttribute('aria-invalid');
}
function clearErrors() {
  for (const s of document.querySelectorAll('.field-error')) s.textContent = '';
  for (const w of document.querySelectorAll('[aria-invalid]')) w.removeAttribute('aria-invalid');
  for (const w of document.querySelectorAll('.missing')) w.classList.remove('missing');
}
function placeError(w, text) {
  const s = errorSlot(w);
  if (!s) return false;
  const typed = w.closest('.field') && w.closest('.field').querySelector('output.understood');
  if (typed && typed.textContent === text) { /* already said beside it, as it was typed */
    w.setAttribute('aria-invalid', 'true');
    return true;
  }
  s.textContent = s.textContent ? s.textContent + T('；', '; ') + text : text;
  w.setAttribute('aria-invalid', 'true');
  return true;
}
const widgetLabel = (w) => (w.id === 'asof' ? T('测算日期', 'Estimate as of') :
  (w.closest('.field') && w.closest('.field').querySelector('label').textContent) || T('资料', 'data'));

function focusWidget(w) {
  if (!w) return;
  w.classList.add('missing');
  w.focus();
  w.scrollIntoView({block: 'center'});
}
const focusField = (path) => focusWidget(widgetFor(path));

// The server's words for a problem when they are in the page's language and name no code or
// path (a hint such as "one of: tech_enterprise …"); else the page's own, from the schema (the
// field's type, range, whether it is required).
function problemText(e, w) {
  e = e[lang] || e; /* the API gives both languages */
  const msg = String(e.message || '');
  const mine = (s) => s && !/[a-z]_[a-z]|[a-z]\.[a-z]|\[\d*\]/.test(s.replace(/'[^']*'/g, '')) &&
    (lang === 'zh' ? hasCJK(s) : !hasCJK(s.replace(/'[^']*'/g, '')));
  if (mine(msg)) return msg + (mine(e.hint) ? T('（', ' (') + e.hint + T('）', ')') : '');
  if (w && w.id === 'asof') return T('请选择有效的测算日期', 'choose a valid date for the estimate');
  const f = w && schemaField(w.name);
  if (!f) return T('资料无法识别', 'this cannot be read');
  if (/required/.test(msg)) return T('必须填写', 'required');
  const range = f.min !== undefined && f.max !== undefined ? T(` ${f.min} 到 ${f.max} 之间的`, ` from ${f.min} to ${f.max}`) :
    f.min !== undefined ? T(`不小于 ${f.min} 的`, ` of at least ${f.min}`) : '';
  return {money: T('请填写金额，如 15000 或 1.5万', 'write an amount, e.g. 15000 or 1.5万'),
    int: T('请填写' + range + '整数', 'write a whole number' + range), date: T('请填写有效日期', 'write a valid date'),
    enum: T('请从列表中选择', 'choose from the list'), bool: T('请选择是或否', 'choose yes or no')}[f.type] ||
    T('资料无法识别', 'this cannot be read');
}

// Problems, each beside its field when it has one, all listed at the top (a link to the field).
function showProblems(list, id) {
  const out = $('results');
  out.textContent = '';
  shown = 'errors';
  const box = el('div', {class: 'errors', id}, el('h2', {text: T('资料有误，请修改后再测算', 'Please correct the data, then estimate again')}));
  let first = null;
  for (const p of list) {
    const w = p.widget;
    if (w && placeError(w, p.text)) {
      first = first || w;
      const a = el('a', {class: 'focus', href: '#' + w.id, text: widgetLabel(w) + T('：', ': ') + p.text});
      a.addEventListener('click', (ev) => { ev.preventDefault(); focusWidget(w); });
      box.append(el('p', {}, a));
    } else box.append(el('p', {class: 'unplaced', text: p.text}));
  }
  out.append(box);
  if (first) first.focus();
}

// A request the server refused or could not answer: in words, never a blank page.
function requestFailed(status, body) {
  const e = body && body.error && typeof body.error === 'object' ? body.error : {message: body && body.error};
  const m = String(e.message || '').match(/^([A-Za-z_][\w.\[\]]*): (.*)$/);
  const w = m ? widgetFor(m[1]) : null;
  const generic = {400: T('请求无效', 'the request was refused'), 404: T('找不到测算服务', 'the estimate service was not found'),
    413: T('资料过长，无法测算', 'the data is too long to estimate'), 429: T('请求过多，请稍后再试', 'too many requests; try again shortly'),
    503: T('测算服务繁忙，请稍后再试', 'the estimate service is busy; try again shortly')}[status] ||
    (status ? T('测算服务出错（' + status + '），请稍后再试', 'the estimate service failed (' + status + '); try again later')
      : T('无法连接测算服务，请检查网络后再试', 'the estimate service cannot be reached; check the connection and try again'));
  const text = w ? problemText({message: m[2]}, w) : generic + (e.message && (lang === 'zh') === hasCJK(e.message) ? T('：', ': ') + e.message : '');
  showProblems([{widget: w, text}], 'request-error');
}

// ---- results ----

const statusText = {eligible: ['符合', 'Eligible'], ineligible: ['不符合', 'Not eligible'], needs_data: ['需补充资料', 'Needs data'],
  not_in_force: ['不在有效期', 'Not in force'], superseded: ['就高未选', 'Not chosen (a higher one applies)'], error: ['无法测算', 'Cannot be estimated']};
const unitText = (u) => ({m2: ' m²', units: T(' 套', ' units')}[u] || '');

function windowText(id) {
  const p = policies[id];
  if (!p || !Array.isArray(p.in_force)) return null;
  const [a, b] = p.in_force;
  return b ? T(`有效期 ${a} 至 ${b}`, `In force ${a} to ${b}`) : T(`自 ${a} 起有效`, `In force from ${a}`);
}

function card(x) {
  const c = el('div', {class: 'card ' + x.status, 'data-policy': x.policy});
  /* an amount only where there is one: ¥0.00 beside 不符合 says nothing */
  const amt = x.status !== 'eligible' ? '' : x.kind === 'match' ? T('匹配', 'matched') :
    x.kind === 'in_kind' ? (x.quantity ?? 0) + unitText(x.unit) + T('（', ' (') + money(x.amount) + T('）', ')') : money(x.amount);
  const showsAmount = x.status === 'eligible' && x.kind !== 'match';
  const line = el('span', {class: 'amountline'},
    el('span', {class: 'amount', text: statusText[x.status] ? statusText[x.status][lang === 'zh' ? 0 : 1] + (amt ? ' ' + amt : '') : amt}));
  if (showsAmount && x.pool_claim) line.append(el('span', {class: 'flag pool', text: T('预算池申领', 'claim on a pool')}));
  if (showsAmount && x.illustrative) line.append(el('span', {class: 'flag illustrative', text: T('示例参数', 'illustrative')}));
  const title = x.title ? x.title[lang] || x.title.zh : null;
  c.append(el('h3', {}, title ? el('span', {class: 'title', text: title}) : wordsEl('span', {text: T('政策', 'Policy'), fallback: true}, {class: 'title'}), line));
  const win = windowText(x.policy);
  if (win) c.append(el('p', {class: 'window', text: win}));

  if (x.status === 'eligible' && x.kind !== 'match') {
    const lines = x.computation && Array.isArray(x.computation[lang]) ? x.computation[lang] : null;
    if (lines && lines.length) {
      c.append(el('div', {class: 'computation'}, el('h4', {text: T('测算过程', 'How it is computed')}),
        el('ul', {}, ...lines.map((s) => el('li', {text: s})))));
    } else c.append(wordsEl('p', {text: T('测算过程暂缺', 'The computation is not available'), fallback: true}, {class: 'computation'}));
  }
  if (showsAmount && x.illustrative) {
    c.append(el('p', {class: 'illustrative-note', text: T('示例参数：部分比例或标准为示例值（政策原文未写明），仅供参考，以主管部门公布为准。',
      'Illustrative: some rates or limits here are example values (the policy text does not state them); for reference only.')}));
  }
  if (showsAmount && x.pool_claim) {
    c.append(wordsEl('p', words(x.pool_claim.note, null, T('本项为预算池申领额，在批量分配后确定。', 'This is a claim on a budget pool, allocated in batch.')), {class: 'pool-note'}));
  } else if (showsAmount && x.pool) {
    c.append(wordsEl('p', {text: T('本项为预算池申领额，在批量分配后确定。', 'This is a claim on a budget pool, allocated in batch.'), fallback: true}, {class: 'pool-note'}));
  }
  if (x.cap_applied && x.amount_before_cap) {
    c.append(el('p', {class: 'cap', text: T('已按企业奖励总额上限调整（调整前 ' + money(x.amount_before_cap) + '）',
      'Reduced to the enterprise\'s overall cap (before the cap: ' + money(x.amount_before_cap) + ')')}));
  }
  if (x.status === 'needs_data') {
    const p = el('p', {class: 'missing-data'}, T('请补充：', 'Please provide: '));
    (x.missing || []).forEach((m, i) => {
      const w = words(x.missing_labels && x.missing_labels[i], m, T('资料', 'data'));
      const a = wordsEl('a', w, {class: 'focus', href: '#'});
      a.addEventListener('click', (ev) => { ev.preventDefault(); focusField(m); });
      p.append(a, ' ');
    });
    c.append(p);
  }
  if (x.status === 'ineligible' && (x.reasons || []).length) {
    c.append(el('ul', {class: 'reasons'}, ...x.reasons.map((r) => wordsEl('li', words(r.label, r.field)))));
  }
  if (x.status === 'superseded') {
    const by = x.superseded_by_title ? x.superseded_by_title[lang] : null;
    const w = by ? {text: T('就高不重复：已选金额更高的《' + by + '》', 'Not combined: the higher “' + by + '” applies')}
      : {text: T('就高不重复：已选金额更高的一项', 'Not combined: a higher policy applies'), fallback: true};
    if (x.amount_before) w.text += T('（本项原为 ' + money(x.amount_before) + '）', ' (this one: ' + money(x.amount_before) + ')');
    c.append(wordsEl('p', w, {class: 'superseded-by'}));
  }
  if (x.status === 'error') c.append(el('p', {text: T('本项政策暂时无法测算，请咨询主管部门。', 'This policy cannot be estimated at the moment; ask the department.')}));
  const q = x.to_qualify;
  if (q && (x.status === 'ineligible' || x.status === 'needs_data')) c.append(qualify(q, x) || '');
  if ((x.conditions || []).length && x.status !== 'ineligible') {
    const ok = {pass: '✓ ', fail: '✗ ', unknown: '? '};
    c.append(el('details', {class: 'conditions'}, el('summary', {text: T('条件（' + x.conditions.length + ' 项）', 'Conditions (' + x.conditions.length + ')')}),
      el('ul', {}, ...x.conditions.map((r) => { const w = words(r.label, r.field); w.text = (ok[r.result] || '') + w.text; return wordsEl('li', w); }))));
  }
  if (x.source) {
    const src = el('p', {class: 'quote'}, lang === 'zh' ? '' : 'Source (Chinese original): ');
    src.append(el('span', {lang: 'zh-CN', text: '《' + x.source.doc + '》“' + x.source.quote + '”'}));
    c.append(src);
  }
  c.append(el('p', {class: 'fp print-only', text: T('政策指纹 ', 'Policy fingerprint ') + (last.r.fingerprint && last.r.fingerprint.policies ? last.r.fingerprint.policies[x.policy] || '' : '')}));
  return c;
}

// How to qualify: the API's sentence (what the enterprise can change, the amount expected or
// what it depends on); composed from the changes' labels only where the sentence is missing.
function qualify(q, x) {
  const t = q.text && q.text[lang];
  if (t) return el('p', {class: 'qualify', text: t.charAt(0).toUpperCase() + t.slice(1)});
  if (!q.possible || !(q.changes || []).length) return null;
  const p = el('p', {class: 'qualify'}, T('如何符合：', 'To qualify: '));
  q.changes.forEach((ch, i) => { if (i) p.append(T('；', '; ')); p.append(wordsEl('span', words(ch.label, ch.field, T('修改资料', 'a change')))); });
  if (x.kind !== 'match') {
    p.append(q.amount_is_example ? T('。金额取决于尚待填写的资料。', '. The amount depends on data still to be provided.')
      : T(' → 预计 ', ' → expected ') + money(q.amount));
  }
  return p;
}

function printHead(r, sent) {
  const h = $('print-head');
  h.textContent = '';
  const fp = r.fingerprint || {};
  const row = (k, v, cls) => [el('dt', {text: k}), el('dd', {text: v || '—', class: cls || ''})];
  h.append(el('h2', {text: T('惠企政策测算结果', 'Policy estimate')}),
    el('p', {class: 'disclaimer', text: T('测算结果，不构成审批决定；以主管部门审核为准。', 'An estimate, not an approval decision; the department\'s review decides.')}),
    el('dl', {}, ...row(T('企业名称', 'Enterprise'), sent.name), ...row(T('企业标识', 'Enterprise id'), sent.id || r.profile),
      ...row(T('测算日期', 'Estimate as of'), r.as_of), ...row(T('规则集指纹', 'Policy set fingerprint'), fp.policy_set, 'fp'),
      ...row(T('企业资料指纹', 'Profile fingerprint'), fp.profile, 'fp'), ...row(T('程序版本', 'calc version'), fp.calc_version)));
}

function render(r, sent) {
  const out = $('results');
  out.textContent = '';
  last = {r, sent};
  shown = 'result';
  for (const w of r.warnings || []) { /* ¥0 because nothing is in force: said, with the way out */
    const box = el('div', {class: 'warning', id: 'warning-' + w.code}, el('p', {text: (lang === 'zh' ? w.zh : w.en) || ''}));
    if (w.latest_in_force) {
      const b = el('button', {type: 'button', text: T('按 ' + w.latest_in_force + ' 测算', 'Estimate as of ' + w.latest_in_force)});
      b.addEventListener('click', () => { $('asof').value = w.latest_in_force; evaluate(); });
      box.append(b);
    }
    out.append(box);
  }
  const t = r.totals || {};
  out.append(el('div', {class: 'totals', id: 'totals'}, el('span', {text: T('现金合计 ', 'Cash ') + money(t.cash)}), '　',
    el('span', {text: T('实物价值合计 ', 'In kind ') + money(t.in_kind)})));
  const pooled = (r.results || []).some((x) => x.status === 'eligible' && (x.pool_claim || x.pool));
  out.append(el('p', {class: 'totals-note', text: T('以上为测算结果，不构成审批决定。', 'An estimate, not an approval decision.') +
    (pooled ? T('其中预算池申领额在批量分配后确定，实际可能较少。', ' Claims on budget pools are allocated in batch and may be smaller.') : '')}));
  const order = ['eligible', 'needs_data', 'ineligible', 'superseded', 'error', 'not_in_force'];
  const rs = [...(r.results || [])].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  for (const x of rs) out.append(card(x));
  printHead(r, sent);
  const fp = r.fingerprint || {};
  $('footer').textContent = T('规则集指纹 ', 'Policy set ') + (fp.policy_set || '') + ' · ' + T('测算日期 ', 'as of ') + r.as_of;
}

// ---- one estimate ----

async function evaluate() {
  clearTimeout(window.tmr);
  const mine = ++seq;
  clearErrors();
  if (!/^\d{4}-\d{2}-\d{2}$/.test($('asof').value)) { /* no date, no estimate: said, not sent */
    showProblems([{widget: $('asof'), text: T('请选择测算日期（政策是否有效取决于日期）', 'choose the date of the estimate (whether a policy is in force depends on it)')}], 'request-error');
    return;
  }
  const bad = [];
  const body = collect(bad);
  if (bad.length) { /* a value the page cannot read is never sent, nor half of it */
    showProblems(bad.map((w) => { const r = understand(w); return {widget: w, text: (r && r.error) || T('无法识别', 'cannot be read')}; }), 'input-errors');
    return;
  }
  const asOf = $('asof').value;
  let res, answer = null;
  try {
    res = await fetch('/api/v1/eval?explain=1&lang=' + lang + '&as_of=' + encodeURIComponent(asOf),
      {method: 'POST', headers: {'Content-Type': 'application/json', 'Accept-Language': lang === 'zh' ? 'zh-CN' : 'en'}, body: JSON.stringify(body)});
    const text = await res.text();
    try { answer = JSON.parse(text); } catch (e) { answer = null; }
  } catch (e) {
    if (mine === seq) requestFailed(0, null);
    return;
  }
  if (mine !== seq) return; /* a newer estimate was asked for meanwhile */
  if (res.ok && answer && Array.isArray(answer.results)) render(answer, body);
  else if (answer && Array.isArray(answer.errors)) {
    showProblems(answer.errors.map((e) => { const w = widgetFor(e.path); return {widget: w, text: problemText(e, w)}; }), 'api-errors');
  } else requestFailed(res.status, answer);
}

function relabel() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const e of document.querySelectorAll('[data-zh]')) e.textContent = e.dataset[lang];
  document.title = T('惠企政策测算', 'Policy estimate');
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const keep = collect([], true); /* as typed, even what is not a number yet */
  build();
  fill(keep);
  if (shown === 'result' && last) render(last.r, last.sent);
  else if (shown) evaluate(); /* the problems again, in the new language */
}

// Something that failed before any estimate (the schema could not be loaded): said at the top.
function fatal(text) {
  $('results').textContent = '';
  $('results').append(el('div', {class: 'errors', id: 'request-error'}, el('p', {text})));
}

async function loadExample() {
  try {
    const res = await fetch('/api/v1/example');
    if (!res.ok) throw new Error(String(res.status));
    const p = await res.json();
    $('form').reset();
    for (const w of $('form').querySelectorAll('input[name]')) understand(w);
    if ($('stores')) $('stores').textContent = '';
    clearErrors();
    fill(p);
    $('asof').value = '2025-06-30';
  } catch (e) {
    requestFailed(0, null);
  }
}

async function main() {
  $('asof').value = new Date().toISOString().slice(0, 10);
  $('submit').addEventListener('click', evaluate);
  $('print').addEventListener('click', () => window.print());
  $('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; relabel(); });
  $('example').addEventListener('click', loadExample);
  $('asof').addEventListener('input', () => clearFieldError($('asof')));
  try {
    const res = await fetch('/api/v1/schema');
    if (!res.ok) throw new Error(String(res.status));
    schema = await res.json();
  } catch (e) {
    fatal(T('无法载入企业资料表，请刷新页面重试。', 'The form cannot be loaded; reload the page.'));
    return;
  }
  build();
  try { /* the windows of the cards; without them the cards still say everything else */
    const res = await fetch('/api/v1/policies');
    if (res.ok) for (const p of (await res.json()).policies || []) policies[p.id] = p;
  } catch (e) { /* the window line is left out */ }
}
main();
