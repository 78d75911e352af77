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
let listIndex = {};  /* per list of objects: the sent profile's item i is the form's card listIndex[path][i] */
let held = {};       /* lists from the district's records (awards): never asked, kept from the loaded profile */
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
  '人才': 'Talent', '办公空间': 'Office space', '上市进度': 'Listing',
  /* book 2: 钱塘区·… */
  '钱塘区': 'Qiantang', '财务': 'finance', '信用': 'credit', '租赁': 'office lease', '购置': 'office purchase',
  '项目资金': 'higher-level grants', '社保': 'social insurance', '高新技术企业': 'high-tech enterprise',
  '上市': 'listing', '融资担保': 'loan guarantees', '已获奖励': 'awards paid'};
const groupEnSub = {'基本信息': 'basics', '人才': 'talents'};
// A form section's name in the page's language: 钱塘区·项目资金 is "Qiantang · higher-level grants".
function groupName(g) {
  if (lang === 'zh') return g;
  const m = g.match(/^(.+?)·(.+)$/);
  if (m) return (groupEn[m[1]] || m[1]) + ' · ' + (groupEnSub[m[2]] || groupEn[m[2]] || m[2]);
  return groupEn[g] || g;
}
// The district's sections after the city's, in the order a form is filled in.
const groupRank = ['基本信息', '信用', '财务', '租赁', '购置', '项目资金', '人才', '社保', '高新技术企业', '上市', '融资担保', '已获奖励'];
function groupOrder(gs) {
  const key = (g) => { const m = g.match(/·(.+)$/); const r = m ? groupRank.indexOf(m[1]) : -1; return m ? 1000 + (r < 0 ? 999 : r) : 0; };
  return gs.map((g, i) => [key(g), i, g]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
}
const hasCJK = (s) => /[\u3400-\u9fff\uf900-\ufaff]/.test(s);

// ---- what is typed, read exactly as the server reads it ----

// Yuan as people write them, read exactly as the server reads them (calc_money_parse): 15000,
// 15000.50, 1,200,000, 1.5万, 2.3亿, ¥…, …元. Returns {fen: BigInt} or {error: text}.
function parseYuan(text) {
  // NFKC: the full-width digits and signs a Chinese input method types (１，５００．５０) as ASCII
  let s = text.normalize('NFKC').trim().replace(/^[¥￥]/, '').replace(/元$/, '');
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
  const s = text.normalize('NFKC').trim();
  const bad = {error: T('请填写整数，如 48 或 1,200', 'write a whole number, e.g. 48 or 1,200')};
  const m = s.match(/^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(万?)$/);
  if (!m) return bad;
  const scale = m[4] ? 4 : 0, dec = m[3] || '';
  if (dec.length > scale || (dec && /[1-9]/.test(dec.slice(scale)))) return bad;
  const n = BigInt(m[2].replace(/,/g, '') + dec.padEnd(scale, '0'));
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return {error: T('数值过大', 'too large')};
  return {n: Number(m[1] ? -n : n)};
}
// A date as people write it: 2024-03-15, 2024/3/15, 2024.3.15, 2024年3月15日, 20240315. Returns {iso} or {error}.
const daysIn = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
function parseDate(text) {
  const t = text.normalize('NFKC').trim();
  const m = t.match(/^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/) || t.match(/^(\d{4})(\d{2})(\d{2})$/);
  const bad = {error: T('无法识别的日期（请写 2024-03-15 或 2024/3/15）', 'not a date (write 2024-03-15 or 2024/3/15)')};
  if (!m) return bad;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return {error: T('没有这一天', 'no such day')};
  return {iso: m[1] + '-' + String(mo).padStart(2, '0') + '-' + String(d).padStart(2, '0')};
}
// A month: 2024-03, 2024/3, 2024年3月, 202403 (the server's forms). Returns {iso: 'YYYY-MM'} or {error}.
function parseMonth(text) {
  const m = text.normalize('NFKC').trim().match(/^(\d{4})\s*(?:[-/]|年)?\s*(\d{1,2})\s*月?$/);
  if (!m || (!/[-/年]/.test(text.normalize('NFKC')) && m[2].length !== 2)) return {error: T('无法识别的月份（请写 2024-03 或 2024年3月）', 'not a month (write 2024-03 or 2024年3月)')};
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return {error: T('月份应为 1 到 12', 'the month is 1 to 12')};
  return {iso: m[1] + '-' + String(mo).padStart(2, '0')};
}
const parseTyped = (w, v) => ({money: parseYuan, int: parseCount, date: parseDate, month: parseMonth}[w.dataset.type] || ((x) => ({text: x})))(v);
const typedKinds = ['money', 'int', 'date', 'month'];
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
  const r = parseTyped(w, w.value);
  if (r.error) { out.textContent = r.error; out.className = 'understood bad'; w.setAttribute('aria-invalid', 'true'); }
  else if (w.dataset.type === 'money') out.textContent = '= ' + fenYuan(r.fen);
  else if (r.iso) out.textContent = r.iso === w.value.trim() ? '' : '= ' + r.iso; /* only where it was not plain */
  else out.textContent = /[,万]|[^\x00-\x7f]/.test(w.value) ? '= ' + group3(String(r.n)) : ''; /* only where it was not plain (grouped, 万, full-width) */
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
    /* money, counts, dates and months are text: 1.5万, 1,200,000, 2024/3/15 and 2024年3月 are
       what people type, read as the server reads them and never cut */
    w = el('input', {id, name, type: 'text'});
    if (typedKinds.includes(f.type)) {
      w.setAttribute('inputmode', f.type === 'money' ? 'decimal' : f.type === 'int' ? 'numeric' : 'text');
      w.setAttribute('autocomplete', 'off');
      w.placeholder = {money: T('如 15000 或 1.5万', 'e.g. 15000 or 1.5万'), int: T('整数', 'whole number'),
        date: T('如 2024/3/15', 'e.g. 2024-03-15'), month: T('如 2024-03 或 2024年3月', 'e.g. 2024-03 or 2024年3月')}[f.type];
      w.addEventListener('input', () => { clearFieldError(w); understand(w); });
    } else w.addEventListener('input', () => clearFieldError(w));
  }
  w.dataset.type = f.type;
  const unit = f.unit && /m²/.test(f.unit[lang] || '') ? f.unit[lang] : ''; /* areas and rents per m²: the unit is the meaning */
  const label = ((lang === 'zh' ? f.label : f.label_en || f.en) || '') + (unit ? T('（' + unit + '）', ' (' + unit + ')') : '');
  const desc = (lang === 'zh' ? f.zh : f.en) !== label ? (lang === 'zh' ? f.zh : f.en) : null;
  const box = el('div', {class: 'field'},
    el('label', {for: id, text: label}), w,
    typedKinds.includes(f.type) ? el('output', {class: 'understood', for: id, 'aria-live': 'polite'}) : null,
    el('span', {class: 'field-error', role: 'alert'}),
    desc ? el('small', {text: desc}) : null);
  if (slidable(f) && !name.includes('[')) box.append(whatIf(f, w)); /* not in every card of a list */
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

// ---- lists of objects (stores, grants, talents, social.monthly): one card per item ----

const itemFields = (lf) => schema.fields.filter((f) => f.path.startsWith(lf.path + '[].'));
const objectLists = () => schema.fields.filter((f) => f.type === 'list' && !f.enum && itemFields(f).length);
const listOf = (path) => objectLists().find((f) => f.path === path);
const fromRecords = (f) => f.source === 'records';
const listBox = (path) => $('form').querySelector('.items[data-list="' + CSS.escape(path) + '"]');
const fieldName = (f) => (lang === 'zh' ? f.label : f.label_en || f.label) || '';

// An item's title from the list's unit: 第1项上级项目资金, 第2位高层次人才; Grant 1, Talent 2.
function itemTitle(lf, i) {
  const u = lf.unit || {};
  if (!u.zh && !u.en) return T('第' + (i + 1) + '项', 'Item ' + (i + 1)); /* the month beside it says which */
  if (lang === 'zh') return '第' + (i + 1) + (u.zh || '项') + (lf.label || '');
  const en = u.en ? u.en.charAt(0).toUpperCase() + u.en.slice(1) : 'Item';
  return en + ' ' + (i + 1);
}
// What says which item a card is, once typed (a grant's name, the month): beside its title.
function itemKey(lf, card) {
  const k = itemFields(lf).find((f) => f.key);
  const w = k && card.querySelector('[name$="].' + k.path.slice(lf.path.length + 3) + '"]');
  if (!w || !w.value.trim()) return '';
  const r = parseTyped(w, w.value);
  return r.error ? '' : r.iso || w.value.trim();
}
function retitle(box) {
  const lf = listOf(box.dataset.list);
  [...box.children].forEach((card, i) => {
    card.dataset.index = i;
    for (const w of card.querySelectorAll('[name]')) {
      const rest = w.name.slice(w.name.indexOf(']') + 1);
      w.name = lf.path + '[' + i + ']' + rest;
      const id = 'f-' + w.name.replace(/[\[\].]/g, '_');
      const lab = card.querySelector('label[for="' + CSS.escape(w.id) + '"]');
      const out = w.closest('.field') && w.closest('.field').querySelector('output');
      if (lab) lab.setAttribute('for', id);
      if (out) out.setAttribute('for', id);
      w.id = id;
    }
    const t = itemTitle(lf, i), key = itemKey(lf, card);
    card.querySelector('.item-title').textContent = t;
    card.querySelector('.item-key').textContent = key;
    card.querySelector('.remove').setAttribute('aria-label', T('删除', 'Remove ') + t);
  });
  const n = box.parentNode.querySelector('.count');
  if (n) n.textContent = box.children.length ? T('共 ' + box.children.length + ' ' + ((lf.unit || {}).zh || '项'), box.children.length + ' ' +
    ((lf.unit || {}).en || 'item') + (box.children.length > 1 ? 's' : '')) : T('尚未添加', 'none yet');
}
function itemCard(lf, i) {
  const c = el('div', {class: 'item', 'data-index': i});
  const rm = el('button', {type: 'button', class: 'remove', text: T('删除', 'Remove')});
  c.append(el('div', {class: 'item-head'}, el('span', {class: 'item-title'}), el('span', {class: 'item-key'}), rm));
  const g = el('div', {class: 'item-grid'});
  for (const f of itemFields(lf)) {
    const box = input(f, lf.path + '[' + i + '].' + f.path.slice(lf.path.length + 3));
    if (f.type === 'string') box.classList.add('wide'); /* a grant's or a talent's name: the whole row */
    g.append(box);
  }
  c.append(g);
  rm.addEventListener('click', () => { const box = c.parentNode; c.remove(); retitle(box); });
  c.addEventListener('input', () => { const k = itemKey(lf, c); c.querySelector('.item-key').textContent = k; });
  return c;
}
function addItem(lf) {
  const box = listBox(lf.path);
  const c = itemCard(lf, box.children.length);
  box.append(c);
  retitle(box);
  return c;
}
// The claim year's twelve months (the year before the estimate's), as cards not yet there.
function addClaimYearMonths(lf, key) {
  const y = Number(($('asof').value || new Date().toISOString()).slice(0, 4)) - 1;
  const box = listBox(lf.path);
  const have = new Set([...box.querySelectorAll('[name$="].' + key + '"]')].map((w) => parseMonth(w.value).iso).filter(Boolean));
  let first = null;
  for (let m = 1; m <= 12; m++) {
    const iso = y + '-' + String(m).padStart(2, '0');
    if (have.has(iso)) continue;
    const c = addItem(lf);
    c.querySelector('[name$="].' + key + '"]').value = iso;
    first = first || c;
  }
  retitle(box);
  const w = first && first.querySelector('input[data-type="int"]');
  if (w) w.focus();
}
function listSection(lf) {
  const sec = el('div', {class: 'list', 'data-list-of': lf.path});
  const desc = lang === 'zh' ? lf.zh : lf.en;
  sec.append(el('div', {class: 'list-head'}, el('h3', {text: fieldName(lf)}), el('span', {class: 'count'})),
    desc ? el('small', {class: 'list-desc', text: desc}) : null, el('div', {class: 'items', 'data-list': lf.path}));
  const add = el('button', {type: 'button', class: 'add', 'data-add': lf.path,
    text: T('＋ 添加一项', '+ Add ' + (lf.unit && lf.unit.en ? 'a ' + lf.unit.en : 'an item'))});
  add.addEventListener('click', () => { const c = addItem(lf); const w = c.querySelector('input,select'); if (w) w.focus(); });
  const bar = el('div', {class: 'list-actions'}, add);
  const month = itemFields(lf).find((f) => f.type === 'month' && f.key);
  if (month) {
    const b = el('button', {type: 'button', class: 'add-months', text: T('＋ 补齐申报年度的12个月', '+ Add the claim year\'s 12 months')});
    b.addEventListener('click', () => addClaimYearMonths(lf, month.path.slice(lf.path.length + 3)));
    bar.append(b);
  }
  sec.append(bar);
  return sec;
}

// A list from the district's records (awards): never an input; what the loaded profile holds is
// shown as it is, read-only, and sent with the estimate unchanged.
function recordsSection(lf) {
  const sec = el('div', {class: 'records', 'data-records': lf.path});
  const items = held[lf.path] || [];
  sec.append(el('h3', {text: T(fieldName(lf) + '（来自区兑付记录）', fieldName(lf) + ' (from the district\'s payment records)')}));
  if (!items.length) {
    sec.append(el('p', {class: 'records-note', text: T('由区里根据兑付记录填写，企业无需填写。',
      'The district fills this in from its payment records; the enterprise does not enter it.')}));
    return sec;
  }
  // a column no record fills (应享金额 is kept only where it differs from the amount) is left out
  const key = (f) => f.path.slice(lf.path.length + 3);
  const cols = itemFields(lf).filter((f) => items.some((it) => it[key(f)] !== undefined &&
                                                               it[key(f)] !== null && it[key(f)] !== ''));
  const head = el('tr', {}, ...cols.map((f) => el('th', {scope: 'col', text: fieldName(f)})));
  const rows = items.map((it) => el('tr', {}, ...cols.map((f) => {
    const k = key(f), v = it[k];
    return el('td', {class: 'rec-' + f.type, 'data-label': fieldName(f), text: recordText(f, v)});
  })));
  sec.append(el('table', {class: 'records-table'}, el('thead', {}, head), el('tbody', {}, ...rows)),
    el('p', {class: 'records-note', text: T('以上记录由区里提供，本页不可修改。', 'These records come from the district and cannot be changed here.')}));
  return sec;
}
// A record's value in words: a policy by its title, money as ¥…, a code by its label.
function recordText(f, v) {
  if (v === undefined || v === null || v === '') return '—';
  if (f.type === 'money') return money(v);
  const pol = policies[v];
  if (pol && pol.title) return pol.title[lang] || pol.title.zh;
  const labelled = Object.values(schema.enums).flat().filter((e) => e.value === String(v));
  if (labelled.length === 1 && /^[a-z_]+$/.test(String(v))) return enumLabel(labelled[0]);
  return String(v);
}

function build() {
  const form = $('form');
  form.textContent = '';
  const lists = objectLists();
  const groups = groupOrder([...new Set(schema.fields.map((f) => f.group).filter(Boolean))]);
  for (const g of groups) {
    const fs = el('fieldset', {'data-group': g}, el('legend', {text: groupName(g)}));
    const grid = el('div', {class: 'grid'});
    for (const f of schema.fields.filter((f) => f.group === g && !f.path.includes('[]'))) {
      if (f.type === 'list' && !f.enum) continue;
      grid.append(input(f, f.path));
    }
    if (grid.children.length) fs.append(grid);
    for (const lf of lists.filter((f) => f.group === g)) fs.append(fromRecords(lf) ? recordsSection(lf) : listSection(lf));
    form.append(fs);
  }
  for (const b of form.querySelectorAll('.items')) retitle(b);
}

// The profile as the form says it; the widgets that cannot be read go to bad (never sent).
function collect(bad = [], raw = false) {
  const p = {};
  for (const w of $('form').querySelectorAll('input[name],select[name]')) {
    let v;
    if (w.multiple) { v = [...w.selectedOptions].map((o) => o.value); if (!v.length) continue; }
    else { v = w.value; if (v.trim() === '') continue; }
    if (!raw && typedKinds.includes(w.dataset.type)) { /* sent as understood, or not at all */
      const r = parseTyped(w, v);
      if (r.error) { bad.push(w); continue; }
      v = w.dataset.type === 'money' ? fenText(r.fen) : w.dataset.type === 'int' ? r.n : r.iso;
    }
    if (w.dataset.type === 'bool') v = v === 'true';
    setPath(p, w.name, v);
  }
  listIndex = {};
  for (const lf of objectLists()) {
    if (fromRecords(lf)) { if ((held[lf.path] || []).length) setPath(p, lf.path, held[lf.path]); continue; }
    const a = getPath(p, lf.path);
    if (!Array.isArray(a) || raw) continue; /* as typed: every card in its place */
    listIndex[lf.path] = Object.keys(a).map(Number); /* an item left empty is not sent */
    setPath(p, lf.path, a.filter(Boolean));
  }
  return p;
}
function setPath(p, name, v) {
  let o = p;
  const parts = name.split('.');
  parts.forEach((k, i) => {
    const m = k.match(/^(\w+)\[(\d+)\]$/);
    if (m) { o[m[1]] = o[m[1]] || []; o[m[1]][m[2]] = o[m[1]][m[2]] || {}; o = o[m[1]][m[2]]; }
    else if (i === parts.length - 1) o[k] = v; else { o[k] = o[k] || {}; o = o[k]; }
  });
}
const getPath = (p, path) => path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), p);

function fill(p, prefix) {
  for (const [k, v] of Object.entries(p || {})) {
    const name = prefix ? prefix + '.' + k : k;
    const lf = Array.isArray(v) ? listOf(name) : null;
    if (lf && fromRecords(lf)) {
      held[name] = v.filter((x) => x && typeof x === 'object');
      const old = $('form').querySelector('[data-records="' + CSS.escape(name) + '"]');
      if (old) old.replaceWith(recordsSection(lf));
    } else if (lf && listBox(name)) {
      const box = listBox(name);
      box.textContent = '';
      for (let i = 0; i < v.length; i++) { box.append(itemCard(lf, i)); if (v[i] && typeof v[i] === 'object') fill(v[i], name + '[' + i + ']'); }
      retitle(box);
    } else if (v && typeof v === 'object' && !Array.isArray(v)) fill(v, name);
    else {
      const w = $('form').querySelector('[name="' + CSS.escape(name) + '"]');
      if (!w) continue;
      if (w.multiple) for (const o of w.options) o.selected = Array.isArray(v) && v.includes(o.value);
      else { w.value = String(v); if (typedKinds.includes(w.dataset.type)) understand(w); }
    }
  }
}
// Every list emptied and every held record dropped: before a new profile is loaded.
function clearLists() {
  held = {};
  for (const b of $('form').querySelectorAll('.items')) { b.textContent = ''; retitle(b); }
  for (const lf of objectLists().filter(fromRecords)) {
    const old = $('form').querySelector('[data-records="' + CSS.escape(lf.path) + '"]');
    if (old) old.replaceWith(recordsSection(lf));
  }
}

// ---- errors: beside the field they concern, the others at the top ----

// The form's widget for an error's path: the field itself, a list's field for one of its
// items (tags[1] → tags), the first field of an object (hq.office → hq.office.mode). The
// sent profile's list items are renumbered back to the form's cards.
function widgetFor(path) {
  if (!path) return null;
  if (path === 'as_of') return $('asof');
  for (const [lp, idx] of Object.entries(listIndex)) { /* the sent items renumbered back to the form's cards */
    if (path.startsWith(lp + '[')) path = path.replace(/^([^[]+)\[(\d+)\]/, (all, l, i) => l + '[' + (idx[Number(i)] ?? i) + ']');
  }
  const form = $('form');
  const named = (n) => form.querySelector('[name="' + CSS.escape(n) + '"]');
  const mon = path.match(/^(.+)\[(\d{4}-\d{2})\]$/); /* social.monthly[2024-07]: the month's card, or the way to add it */
  if (mon && listBox(mon[1])) {
    const w = [...listBox(mon[1]).querySelectorAll('input[data-type="month"]')].find((x) => parseMonth(x.value).iso === mon[2]);
    return w || form.querySelector('[data-add="' + CSS.escape(mon[1]) + '"]');
  }
  return named(path) || named(path.replace(/\[\d+\]$/, '')) ||
    [...form.querySelectorAll('[name]')].find((w) => w.name.startsWith(path + '.') || w.name.startsWith(path + '[')) ||
    form.querySelector('[data-add="' + CSS.escape(path.replace(/\[.*$/, '')) + '"]');
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
  if (Array.isArray(x.cap_steps) && x.cap_steps.length) { /* several caps, in the set's order: each step */
    c.append(el('div', {class: 'cap-steps'}, el('h4', {text: T('企业上限调整', 'Enterprise caps applied')}),
      el('ul', {}, ...x.cap_steps.map((st) => {
        const w = st.title && st.title[lang] ? {text: st.title[lang]} : {text: T('企业上限', 'an enterprise cap'), fallback: true};
        const li = el('li', {}, T('企业上限「', 'Enterprise cap “'), wordsEl('span', w, {class: 'cap-title'}),
          T('」：', '”: '), el('span', {class: 'step', text: money(st.before) + ' → ' + money(st.after)}));
        if (st.limit !== undefined && st.sum !== undefined && st.before !== st.after) {
          li.append(el('small', {text: T('（上限 ' + money(st.limit) + '，各项合计 ' + money(st.sum) + '）',
            ' (limit ' + money(st.limit) + ', members\' sum ' + money(st.sum) + ')')}));
        }
        return li;
      }))));
  } else if (x.cap_applied && x.amount_before_cap) {
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
  if (x.status === 'eligible' && (x.missing || []).length) { /* counted without the items still incomplete */
    const p = el('p', {class: 'missing-data partial'}, T('以下资料未填，相应项目暂未计入：', 'Not counted until provided: '));
    x.missing.forEach((m, i) => {
      const a = wordsEl('a', words(x.missing_labels && x.missing_labels[i], m, T('资料', 'data')), {class: 'focus', href: '#'});
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
  const lengths = Object.fromEntries([...$('form').querySelectorAll('.items')].map((b) => [b.dataset.list, b.children.length]));
  build();
  for (const [path, n] of Object.entries(lengths)) { /* empty cards stay, in the new language */
    const a = getPath(keep, path) || [];
    for (let i = 0; i < n; i++) a[i] = a[i] || {};
    if (n) setPath(keep, path, a);
  }
  fill(keep);
  if (shown === 'result' && last) render(last.r, last.sent);
  else if (shown) evaluate(); /* the problems again, in the new language */
}

// Something that failed before any estimate (the schema could not be loaded): said at the top.
function fatal(text) {
  $('results').textContent = '';
  $('results').append(el('div', {class: 'errors', id: 'request-error'}, el('p', {text})));
}

// A profile into the form: what it does not say is left empty; the district's records shown as read-only.
function load(p) {
  $('form').reset();
  clearLists();
  for (const w of $('form').querySelectorAll('input[name]')) understand(w);
  clearErrors();
  fill(p);
}

// A profile from a JSON file on the device (as the API takes it, e.g. one the district sent).
async function loadFile(file) {
  let p;
  try { p = JSON.parse(await file.text()); } catch (e) { p = null; }
  if (!p || typeof p !== 'object' || Array.isArray(p)) {
    showProblems([{widget: null, text: T('无法读取该文件：请选择 JSON 格式的企业资料文件', 'this file cannot be read: choose a profile in JSON')}], 'request-error');
    return;
  }
  load(p);
  $('results').textContent = '';
  shown = null;
}

async function loadExample() {
  try {
    const res = await fetch('/api/v1/example');
    if (!res.ok) throw new Error(String(res.status));
    const p = await res.json();
    load(p);
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
  $('file').addEventListener('change', () => { const f = $('file').files[0]; if (f) loadFile(f); $('file').value = ''; });
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
