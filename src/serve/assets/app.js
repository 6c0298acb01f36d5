// airace explorer: the page holds the scenario as JSON of the same shape as
// the TOML file, sends it to the server on every change, and shows the
// refinements the server streams back. Every number on screen comes from
// the server (the library, as `airace run` computes it); the page computes
// nothing but layout.
'use strict';

const $ = (id) => document.getElementById(id);
const PAGE = Math.random().toString(36).slice(2) + Date.now().toString(36);

const app = {
  keys: {},          // key path -> spec from the key table
  rules: [],
  scenario: null,    // the scenario as JSON
  baseline: null,    // the pinned baseline, or null
  initial: null,
  toml: '',          // the TOML that reproduces what is shown
  last: null,        // the last refinement
  controller: null,  // aborts the run in flight
  timing: {},        // what the last run measured, for the browser test
  replay: null,
  time: 0,
  timer: null,
  tab: 'scenario',   // the active tab, kept in the URL
  replayed: null,    // {run, t}: the replayed run and step, kept in the URL
  raceGame: null,    // the game file the server started with, or null
};
window.airace = app;

// ---------- helpers ----------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function pct(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return (100 * x).toFixed(x < 0.001 && x > 0 ? 3 : 2) + '%';
}

function num(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (Math.abs(x) < 1e-9) return '0';
  const text = Number(x).toPrecision(digits);
  return text.includes('e') ? text : text.replace(/\.(\d*?)0+$/, '.$1').replace(/\.$/, '');
}

function interval(e) {
  return `[${pct(e.ci_low)}, ${pct(e.ci_high)}]`;
}

function download(name, text, type) {
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function encodeState() {
  const g = app.game ? { strategies: app.game.strategies, payoffs: app.game.payoffs } : null;
  const json = JSON.stringify({
    scenario: app.scenario, baseline: app.baseline, game: g, tab: app.tab, replay: app.replayed,
  });
  return btoa(unescape(encodeURIComponent(json)));
}

/// The URL holds what is on screen: scenario, baseline, game, tab and the
/// replayed run, so a reload (or a shared link) shows the same view.
function saveUrl() {
  if (app.scenario) history.replaceState(null, '', '#s=' + encodeState());
}

function decodeState(text) {
  try {
    return JSON.parse(decodeURIComponent(escape(atob(text))));
  } catch (e) {
    return null;
  }
}

// ---------- fields ----------

/// A number field: a slider over the key's documented range (or a span
/// around its default where the range is open) and an exact input.
function numberField(label, path, keyPath, get, set) {
  const spec = app.keys[keyPath] || { kind: 'float', low: null, high: null, allowed: '', doc: '' };
  const value = get();
  const integer = spec.kind === 'integer';
  const ref = Math.abs(typeof value === 'number' ? value : 0) || Math.abs(spec.default || 0) || 1;
  const lo = spec.low ?? (typeof value === 'number' && value < 0 ? -4 * ref : 0);
  let hi = spec.high ?? Math.max(4 * ref, lo + 1);
  if (integer && spec.high === null) hi = Math.max(hi, 10);
  const step = integer ? 1 : (hi - lo) / 400;
  const slider = el('input', { type: 'range', min: lo, max: hi, step, 'aria-label': label });
  const input = el('input', { type: 'number', step: integer ? 1 : 'any', 'aria-label': label });
  if (spec.low !== null) input.min = spec.low;
  if (spec.high !== null) input.max = spec.high;
  const show = (v) => {
    input.value = v === undefined || v === null ? '' : v;
    if (typeof v === 'number') slider.value = v;
  };
  show(value);
  slider.addEventListener('input', () => {
    let v = Number(slider.value);
    v = integer ? Math.round(v) : Number(v.toPrecision(3));
    input.value = v;
    set(v);
  });
  input.addEventListener('input', () => {
    const t = input.value.trim();
    // Sent as typed when it is no number: the server says what is wrong.
    const v = t === '' ? null : Number.isFinite(Number(t)) ? Number(t) : t;
    if (typeof v === 'number') slider.value = v;
    set(v);
  });
  const title = `${spec.doc || ''}${spec.allowed ? `\nallowed: ${spec.allowed}` : ''}`;
  return el('div', { class: 'field', 'data-path': path, title },
    el('label', {}, label), slider, input);
}

function textField(label, path, get, set, choices) {
  let input;
  if (choices) {
    input = el('select', { 'aria-label': label });
    for (const c of choices) input.append(el('option', { value: c }, c));
    input.value = get();
    input.addEventListener('change', () => set(input.value));
  } else {
    input = el('input', { type: 'text', value: get() ?? '', 'aria-label': label });
    input.addEventListener('change', () => set(input.value));
  }
  return el('div', { class: 'field', 'data-path': path }, el('label', {}, label), input, el('span'));
}

/// A list field (thresholds, milestones) edited as JSON.
function listField(label, path, get, set, keyPath) {
  const value = get();
  const input = el('input', {
    type: 'text', value: value === undefined ? '' : JSON.stringify(value), 'aria-label': label,
    placeholder: (app.keys[keyPath] || {}).allowed || '',
  });
  input.addEventListener('change', () => {
    let v = null;
    // Empty: the key is left out (its default); not JSON: sent as typed, for the server to explain.
    if (input.value.trim() !== '') {
      try { v = JSON.parse(input.value); } catch (e) { v = input.value; }
    }
    set(v);
  });
  return el('div', { class: 'field', 'data-path': path }, el('label', {}, label), input, el('span'));
}

// ---------- the scenario form ----------

const META = ['runs', 'seed', 'steps'];
const WORLD = ['decisive_capability', 'returns', 'capability_noise', 'spillover', 'frontier_access',
  'resource_growth', 'market_feedback'];
const HAZARD = ['base', 'danger', 'capability_slope', 'gap_slope', 'win'];
const OBSERVATION = ['capability_noise', 'safety_noise', 'disclosure_every'];
const LAB = ['capability', 'safety', 'resources', 'capability_rate', 'safety_rate', 'safety_share',
  'risk_perception'];
const LAB_MORE = ['evaluation_noise', 'evaluation_bias', 'risk_noise', 'risk_report_every'];

function changed() {
  saveUrl();
  schedule();
}

function buildForm() {
  const s = app.scenario;
  const meta = $('meta');
  meta.replaceChildren(el('legend', {}, `Scenario ${s.scenario.name}`));
  for (const k of META) {
    meta.append(numberField(k, `scenario.${k}`, `scenario.${k}`,
      () => s.scenario[k], (v) => { s.scenario[k] = v; changed(); }));
  }
  const world = $('world');
  world.replaceChildren(el('legend', {}, 'World'));
  for (const k of WORLD) {
    world.append(numberField(k, `world.${k}`, `world.${k}`, () => s.world[k],
      (v) => { if (v === null) delete s.world[k]; else s.world[k] = v; changed(); }));
  }
  for (const k of HAZARD) {
    world.append(numberField(`hazard.${k}`, `world.hazard.${k}`, `world.hazard.${k}`,
      () => s.world.hazard[k], (v) => { s.world.hazard[k] = v; changed(); }));
  }
  for (const k of OBSERVATION) {
    world.append(numberField(`observation.${k}`, `world.observation.${k}`, `world.observation.${k}`,
      () => s.world.observation[k], (v) => { s.world.observation[k] = v; changed(); }));
  }
  buildLabs();
}

function buildLabs() {
  const s = app.scenario;
  const box = $('labs');
  box.replaceChildren();
  s.labs.forEach((lab, i) => {
    const name = el('input', { type: 'text', value: lab.name, 'aria-label': 'lab name' });
    name.addEventListener('change', () => { lab.name = name.value; changed(); });
    const remove = el('button', { title: 'remove this lab', onclick: () => { s.labs.splice(i, 1); buildLabs(); changed(); } }, '×');
    const card = el('div', { class: 'lab', id: `lab-${i}` }, el('h3', {}, `Lab ${i + 1}`, name, remove));
    for (const k of LAB) {
      card.append(numberField(k, `labs[${i}].${k}`, `labs.${k}`, () => lab[k],
        (v) => { lab[k] = v; changed(); }));
    }
    const more = el('details', {}, el('summary', { class: 'hint' }, 'fuzzy evaluations and risk reports'));
    for (const k of LAB_MORE) {
      more.append(numberField(k, `labs[${i}].${k}`, `labs.${k}`, () => lab[k] ?? 0,
        (v) => { lab[k] = v; changed(); }));
    }
    card.append(more);
    card.append(el('div', { class: 'hint' }, 'Policy (rules combine: the most cautious result wins)'));
    lab.policy.forEach((rule, j) => card.append(ruleEditor(lab, i, rule, j)));
    card.append(el('button', { onclick: () => { lab.policy.push({ rule: 'race' }); buildLabs(); changed(); } }, 'Add a rule'));
    box.append(card);
  });
}

/// A rule with every parameter at its default (or the template's example).
function defaultRule(name) {
  const rule = { rule: name };
  for (const [path, spec] of Object.entries(app.keys)) {
    if (!path.startsWith(`rule.${name}.`)) continue;
    const key = path.slice(`rule.${name}.`.length);
    if (spec.default !== null) rule[key] = spec.default;
    else if (spec.example) {
      try { rule[key] = JSON.parse(spec.example); } catch (e) { rule[key] = spec.example; }
    }
  }
  return rule;
}

function ruleEditor(lab, i, rule, j) {
  const menu = el('select', { 'aria-label': `lab ${i + 1} rule ${j + 1}`, class: 'rule-menu' });
  for (const r of app.rules) menu.append(el('option', { value: r.name, title: r.doc }, r.name));
  menu.value = rule.rule;
  menu.addEventListener('change', () => { lab.policy[j] = defaultRule(menu.value); buildLabs(); changed(); });
  const remove = el('button', { title: 'remove this rule', onclick: () => { lab.policy.splice(j, 1); buildLabs(); changed(); } }, '×');
  const doc = (app.rules.find((r) => r.name === rule.rule) || {}).doc || '';
  const box = el('div', { class: 'rule' }, el('div', { class: 'head' }, menu, remove), el('div', { class: 'hint' }, doc));
  for (const [path, spec] of Object.entries(app.keys)) {
    if (!path.startsWith(`rule.${rule.rule}.`)) continue;
    const key = path.slice(`rule.${rule.rule}.`.length);
    const where = `labs[${i}].policy[${j}].${key}`;
    const set = (v) => { if (v === null) delete rule[key]; else rule[key] = v; changed(); };
    if (spec.kind === 'float' || spec.kind === 'integer') {
      box.append(numberField(key, where, path, () => rule[key], set));
    } else if (spec.kind === 'text') {
      const choices = key === 'reference' ? ['mean', 'max', 'leader'] : key === 'observe' ? ['effort', 'commitment'] : null;
      box.append(textField(key, where, () => rule[key] ?? spec.default, set, choices));
    } else {
      box.append(listField(key, where, () => rule[key], set, path));
    }
  }
  return box;
}

// ---------- results ----------

let pending = null;
function schedule() {
  clearTimeout(pending);
  pending = setTimeout(run, 40);
}

async function run() {
  if (app.controller) app.controller.abort();
  const controller = new AbortController();
  app.controller = controller;
  const sent = performance.now();
  app.timing = { sent, first: null, full: null, runs: 0, done: false };
  document.body.dataset.state = 'running';
  $('figures').classList.add('stale');
  let response;
  try {
    response = await fetch('/api/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ page: PAGE, scenario: app.scenario, baseline: app.baseline }),
      signal: controller.signal,
    });
  } catch (e) {
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: response.statusText }));
    if (app.controller === controller) showProblems(body);
    return;
  }
  showProblems(null);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 1);
        if (app.controller !== controller) return;
        const msg = JSON.parse(line);
        if (msg.toml !== undefined) {
          app.toml = msg.toml;
          const w = $('warnings');
          w.hidden = !msg.warnings.length;
          w.textContent = msg.warnings.map((x) => `warning: ${x}`).join('\n');
        }
        else if (msg.current) showRefinement(msg, performance.now() - sent);
      }
    }
  } catch (e) {
    // Aborted by a newer change.
  }
}

function showProblems(body) {
  const box = $('problems');
  document.querySelectorAll('.field.bad').forEach((f) => f.classList.remove('bad'));
  if (!body) { box.hidden = true; return; }
  box.hidden = false;
  document.body.dataset.state = 'invalid';
  if (body.problems) {
    box.textContent = body.problems.map((p) => (p.key_path ? `${p.key_path}: ` : '') + p.message).join('\n');
    for (const p of body.problems) {
      const f = document.querySelector(`.field[data-path="${CSS.escape(p.key_path)}"]`);
      if (f) f.classList.add('bad');
    }
  } else {
    box.textContent = body.error;
  }
}

function showRefinement(r, ms) {
  app.last = r;
  const t = app.timing;
  if (t.first === null) t.first = ms;
  t.runs = r.runs;
  if (r.done) { t.full = ms; t.done = true; }
  const s = r.current.summary;
  const p = $('p-cat');
  p.textContent = pct(s.p_catastrophe.mean);
  p.dataset.mean = String(s.p_catastrophe.mean);
  p.dataset.runs = String(r.runs);
  $('p-cat-ci').textContent = `95% interval ${interval(s.p_catastrophe)}`;
  const prog = $('progress');
  prog.textContent = `${r.runs.toLocaleString()} of ${r.total.toLocaleString()} runs` +
    (r.done ? '' : ', refining…') +
    ` · first answer ${Math.round(t.first)} ms` + (t.full !== null ? `, all runs ${Math.round(t.full)} ms` : '');
  prog.dataset.firstMs = String(t.first);
  if (t.full !== null) prog.dataset.fullMs = String(t.full);
  prog.dataset.done = String(r.done);
  showOutcomes(r);
  showDifference(r);
  const figs = $('figures');
  figs.replaceChildren();
  for (const f of r.current.figures) {
    const fig = el('figure', { id: `fig-${f.stem}` });
    fig.innerHTML = f.svg;
    figs.append(fig);
  }
  figs.classList.remove('stale');
  $('note').textContent = s.note;
  document.body.dataset.state = r.done ? 'done' : 'refining';
}

function showOutcomes(r) {
  const s = r.current.summary;
  const b = r.baseline ? r.baseline.summary : null;
  const table = $('outcomes');
  table.replaceChildren();
  const head = el('tr', {}, el('th', {}, 'outcome'), el('th', {}, 'this scenario (95% interval)'));
  if (b) head.append(el('th', {}, 'pinned baseline'));
  table.append(head);
  const row = (label, e, be, fmt = (x) => `${pct(x.mean)} ${interval(x)}`) => {
    const tr = el('tr', {}, el('td', {}, label), el('td', {}, fmt(e)));
    if (b) tr.append(el('td', {}, be ? fmt(be) : '–'));
    table.append(tr);
  };
  row('P(catastrophe), sampled', s.p_catastrophe_sampled, b && b.p_catastrophe_sampled);
  row('P(unwarned catastrophe)', s.p_catastrophe_unwarned, b && b.p_catastrophe_unwarned);
  row('P(no winner)', s.p_no_winner, b && b.p_no_winner);
  for (const [lab, e] of Object.entries(s.p_win)) row(`P(${lab} wins)`, e, b && b.p_win[lab]);
  const util = (l) => `${num(l.utility_mean)} [${num(l.utility_ci_low)}, ${num(l.utility_ci_high)}]`;
  const steps = (l) => `${num(l.paused_steps_mean)} / ${num(l.delayed_steps_mean)}`;
  for (const [lab, l] of Object.entries(s.labs)) {
    row(`${lab}: utility`, l, b && b.labs[lab], util);
    row(`${lab}: steps paused / delayed`, l, b && b.labs[lab], steps);
  }
  const f = (x) => `${num(x.mean)} [${num(x.ci_low)}, ${num(x.ci_high)}]`;
  row('frontier capability at the end', s.frontier_capability, b && b.frontier_capability, f);
}

function showDifference(r) {
  const d = $('difference');
  if (!r.difference) {
    d.textContent = 'Pin the scenario to compare later changes with it: the baseline runs with the same seed and runs (common random numbers).';
    return;
  }
  const e = r.difference.p_catastrophe;
  const sign = (x) => (x > 0 ? '+' : '') + (100 * x).toFixed(3) + ' pp';
  d.innerHTML = '';
  d.append('Change in P(catastrophe) against the baseline: ',
    el('b', { id: 'diff-verdict', 'data-verdict': r.difference.verdict }, `${sign(e.mean)} [${sign(e.ci_low)}, ${sign(e.ci_high)}]: ${r.difference.verdict}`),
    ' (95% interval of the paired per-run differences, common random numbers; "undecided" when it contains 0).');
}

// ---------- one race ----------

/// Replays the run the menu picks, or `saved` ({run, t}) from the URL.
async function replay(saved) {
  if (saved && Number.isInteger(saved.run)) {
    $('pick').value = 'run';
    $('run-number').value = saved.run;
    $('run-number').hidden = false;
  }
  const pick = $('pick').value;
  const body = { scenario: app.scenario, pick, run: Number($('run-number').value) };
  const response = await fetch('/api/replay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const r = await response.json();
  if (!response.ok) { $('race-summary').textContent = r.error; return; }
  app.replay = r;
  $('time').max = r.steps;
  const ending = [];
  if (r.winner) ending.push(`${r.winner} reached the decisive capability at step ${r.win_step}`);
  else ending.push('no lab reached the decisive capability');
  if (r.catastrophe_step) ending.push(`the sampled catastrophe struck at step ${r.catastrophe_step} (${r.culprit}'s hazard)`);
  else ending.push('no sampled catastrophe');
  $('race-summary').textContent = `Run ${r.run}: ${ending.join('; ')}. P(catastrophe by the end) = ${pct(r.p_catastrophe[r.steps])}.` +
    (r.first_alarm_step ? ` First pause or delay at step ${r.first_alarm_step}.` : ' No lab ever paused or delayed.');
  $('race-summary').dataset.run = r.run;
  const t = saved && Number.isInteger(saved.t) ? Math.max(0, Math.min(r.steps, saved.t)) : r.steps;
  app.replayed = { run: r.run, t };
  setTime(t);
}

function setTime(t) {
  app.time = t;
  $('time').value = t;
  $('time-label').textContent = `step ${t}`;
  if (app.replayed) {
    app.replayed.t = t;
    // Not at every frame of Play: browsers throttle URL changes.
    if (!app.timer) saveUrl();
  }
  drawRace();
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function drawRace() {
  const r = app.replay;
  if (!r) return;
  const t = app.time;
  const W = 900, H = 500, L = 50, R = 170, top = 20, h1 = 260, gap = 40, h2 = 110;
  const x = (s) => L + (W - L - R) * s / Math.max(1, r.steps);
  let cmax = 0;
  for (const lab of r.labs) for (const v of lab.capability.concat(lab.safety)) cmax = Math.max(cmax, v);
  cmax = cmax * 1.05 || 1;
  const y1 = (v) => top + h1 - h1 * v / cmax;
  const hmax = Math.max(1e-9, ...r.cumulative_hazard) * 1.1;
  const y2 = (v) => top + h1 + gap + h2 - h2 * v / hmax;
  const path = (vals, y) => vals.slice(0, t + 1).map((v, s) => `${s ? 'L' : 'M'}${x(s).toFixed(1)},${y(v).toFixed(1)}`).join('');
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`;
  svg += `<text x="${L}" y="14">capability (solid) and safety (dashed); marks below: paused (dark) or delayed (light)</text>`;
  svg += `<line x1="${L}" y1="${top + h1}" x2="${W - R}" y2="${top + h1}" stroke="#999"/>`;
  svg += `<line x1="${L}" y1="${top}" x2="${L}" y2="${top + h1}" stroke="#999"/>`;
  svg += `<text x="${L - 4}" y="${top + 10}" text-anchor="end">${num(cmax, 2)}</text><text x="${L - 4}" y="${top + h1}" text-anchor="end">0</text>`;
  r.labs.forEach((lab, i) => {
    const c = COLORS[i % COLORS.length];
    svg += `<path d="${path(lab.capability, y1)}" fill="none" stroke="${c}" stroke-width="2"/>`;
    svg += `<path d="${path(lab.safety, y1)}" fill="none" stroke="${c}" stroke-width="1.5" stroke-dasharray="5,3"/>`;
    for (let s = 1; s <= t; s++) {
      if (lab.paused[s] || lab.delayed[s]) {
        svg += `<rect x="${x(s - 1).toFixed(1)}" y="${top + h1 + 4 + 6 * i}" width="${Math.max(1, x(s) - x(s - 1)).toFixed(1)}" height="5" fill="${c}" opacity="${lab.paused[s] ? 1 : 0.35}"/>`;
      }
    }
    svg += `<text x="${W - R + 8}" y="${top + 16 + 16 * i}" fill="${c}">${lab.name}: C ${num(lab.capability[t])}, S ${num(lab.safety[t])}</text>`;
  });
  if (r.win_step && r.win_step <= t) {
    svg += `<line x1="${x(r.win_step)}" y1="${top}" x2="${x(r.win_step)}" y2="${top + h1}" stroke="#000" stroke-dasharray="2,2"/><text x="${x(r.win_step) + 3}" y="${top + 12}">${r.winner} wins</text>`;
  }
  // The hazard accumulating, stacked by who added it: each lab's rates
  // lambda_i summed over the steps, and the winner's extra at the decisive
  // moment; their total is H, and P(catastrophe by t) = 1 - exp(-H(t)).
  svg += `<text x="${L}" y="${top + h1 + gap - 6}">cumulative hazard H, stacked by the lab that added it (grey: the winner's extra at the decisive moment)</text>`;
  svg += `<line x1="${L}" y1="${top + h1 + gap + h2}" x2="${W - R}" y2="${top + h1 + gap + h2}" stroke="#999"/>`;
  svg += `<text x="${L - 4}" y="${top + h1 + gap + 10}" text-anchor="end">${num(hmax, 2)}</text>`;
  const base = new Array(t + 1).fill(0);
  const band = (add, fill, cls) => {
    const upper = base.map((b, s) => b + add[s]);
    const d = upper.map((v, s) => `${s ? 'L' : 'M'}${x(s).toFixed(1)},${y2(v).toFixed(1)}`).join('') +
      base.map((v, s) => `L${x(s).toFixed(1)},${y2(v).toFixed(1)}`).reverse().join('') + 'Z';
    upper.forEach((v, s) => { base[s] = v; });
    return `<path class="${cls}" d="${d}" fill="${fill}" opacity="0.55" stroke="none"/>`;
  };
  r.labs.forEach((lab, i) => { svg += band(lab.hazard, COLORS[i % COLORS.length], 'hazard-band'); });
  if (r.win_step && r.win_hazard) {
    const extra = base.map((_, s) => (s >= r.win_step ? r.win_hazard : 0));
    svg += band(extra, '#777', 'hazard-win');
  }
  svg += `<path d="${path(r.cumulative_hazard, y2)}" fill="none" stroke="#000" stroke-width="1.5"/>`;
  if (r.catastrophe_step && r.catastrophe_step <= t) {
    const cx = x(r.catastrophe_step);
    svg += `<line x1="${cx}" y1="${top}" x2="${cx}" y2="${top + h1 + gap + h2}" stroke="#c0392b" stroke-width="2"/><text x="${cx + 3}" y="${top + h1 + gap + 12}" fill="#c0392b">catastrophe (${r.culprit})</text>`;
  }
  svg += `<text x="${W - R + 8}" y="${top + h1 + gap + 16}">H = ${num(r.cumulative_hazard[t])} by step ${t}</text>`;
  svg += `<text x="${W - R + 8}" y="${top + h1 + gap + 32}">P(catastrophe) ${pct(r.p_catastrophe[t])}</text>`;
  const axis = top + h1 + gap + h2;
  for (const s of [0, Math.round(r.steps / 4), Math.round(r.steps / 2), Math.round(3 * r.steps / 4), r.steps]) {
    svg += `<text x="${x(s)}" y="${axis + 16}" text-anchor="middle">${s}</text>`;
  }
  svg += `<text x="${(L + W - R) / 2}" y="${axis + 32}" text-anchor="middle">step (months)</text>`;
  svg += '</svg>';
  $('race-chart').innerHTML = svg;
  const table = $('race-state');
  table.replaceChildren(el('tr', {}, ...['lab', 'capability', 'safety', 'now', 'steps paused', 'steps delayed',
    'hazard rate λ', 'hazard added', 'share of H'].map((h) => el('th', {}, h))));
  const hNow = r.cumulative_hazard[t];
  const share = (h) => (hNow > 0 ? pct(h / hNow) : '–');
  const over = r.win_step && t >= r.win_step;
  for (const lab of r.labs) {
    const paused = lab.paused.slice(1, t + 1).filter(Boolean).length;
    const delayed = lab.delayed.slice(1, t + 1).filter(Boolean).length;
    const now = over ? 'race over' : lab.paused[t] ? 'paused' : lab.delayed[t] ? 'delayed' : 'racing';
    table.append(el('tr', {}, el('td', {}, lab.name), el('td', {}, num(lab.capability[t])), el('td', {}, num(lab.safety[t])),
      el('td', {}, now), el('td', {}, String(paused)), el('td', {}, String(delayed)),
      el('td', {}, over && t > r.win_step ? '–' : num(lab.hazard_rate[t])), el('td', { class: 'lab-hazard' }, num(lab.hazard[t])),
      el('td', {}, share(lab.hazard[t]))));
  }
  if (over && r.win_hazard) {
    table.append(el('tr', {}, el('td', {}, `${r.winner}'s win`), el('td', { colspan: 6 }, 'extra hazard at the decisive moment: λ_win exp(b (C − S))'),
      el('td', {}, num(r.win_hazard)), el('td', {}, share(r.win_hazard))));
  }
}

function play() {
  if (!app.replay) return;
  if (app.timer) { clearInterval(app.timer); app.timer = null; $('play').textContent = 'Play'; saveUrl(); return; }
  if (app.time >= app.replay.steps) setTime(0);
  $('play').textContent = 'Pause';
  app.timer = setInterval(() => {
    if (app.time >= app.replay.steps) { play(); return; }
    setTime(app.time + 1);
  }, 80);
}

// ---------- the game ----------

const game = {
  strategies: ['pause', 'race'],
  payoffs: [[3, 0], [5, 1]],
  last: null,
};
app.game = game;

function buildGame() {
  const m = game.strategies.length;
  const table = $('payoffs');
  table.replaceChildren();
  const head = el('tr', {}, el('th', {}, 'row vs column'));
  game.strategies.forEach((name, j) => {
    const input = el('input', { type: 'text', value: name, size: 8, 'aria-label': `strategy ${j + 1}` });
    input.addEventListener('change', () => { game.strategies[j] = input.value; buildGame(); analyseGame(); });
    head.append(el('th', {}, input));
  });
  table.append(head);
  for (let i = 0; i < m; i++) {
    const tr = el('tr', {}, el('th', {}, game.strategies[i]));
    for (let j = 0; j < m; j++) {
      const input = el('input', { type: 'number', step: 'any', value: game.payoffs[i][j], id: `payoff-${i}-${j}`, 'aria-label': `${game.strategies[i]} against ${game.strategies[j]}` });
      input.addEventListener('input', () => { game.payoffs[i][j] = Number(input.value); analyseGame(); });
      tr.append(el('td', {}, input));
    }
    table.append(tr);
  }
}

async function analyseGame() {
  const body = {
    strategies: game.strategies,
    payoffs: game.payoffs,
    population: Number($('population').value),
    selection: Number($('selection').value),
  };
  document.body.dataset.game = 'waiting';
  saveUrl();
  const response = await fetch('/api/game', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const r = await response.json();
  const problems = $('game-problems');
  if (!response.ok) { problems.hidden = false; problems.textContent = r.error; return; }
  problems.hidden = true;
  game.last = r;
  showGame(r);
  document.body.dataset.game = 'done';
}

function showGame(r) {
  const m = r.strategies.length;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const cell = $(`payoff-${i}-${j}`);
      if (cell) cell.parentElement.classList.toggle('best', r.best_response[j].includes(i));
    }
  }
  const box = $('game-results');
  box.replaceChildren();
  const eq = r.profiles.filter((p) => p.status !== 'not an equilibrium');
  box.append(el('h3', {}, 'Pure profiles'));
  const list = el('table', { id: 'profiles' }, el('tr', {}, el('th', {}, 'profile'), el('th', {}, 'equilibrium?')));
  for (const p of r.profiles) list.append(el('tr', { class: p.status === 'not an equilibrium' ? '' : 'eq' }, el('td', {}, p.label), el('td', {}, p.status)));
  box.append(list);
  box.append(el('p', { id: 'equilibria', 'data-pure': eq.map((p) => p.label).join('; ') },
    `Pure equilibria: ${eq.length ? eq.map((p) => `${p.label} (${p.status})`).join(', ') : 'none'}. ` +
    `Symmetric Nash equilibria (share of each strategy): ${r.nash.map((x) => '(' + x.map((v) => num(v)).join(', ') + ')').join(', ')}. ` +
    'Best responses are shaded in the table.'));
  box.append(el('h3', {}, 'Replicator flow'));
  const flow = el('div', { id: 'flow' });
  flow.innerHTML = m <= 3 ? flowSvg(r) : '<p class="hint">The flow is drawn for 2 or 3 strategies.</p>';
  box.append(flow);
  box.append(el('p', { class: 'hint' }, `Where trajectories end: ${r.rest_points.map(([x, n]) => `(${x.map((v) => num(v)).join(', ')}) from ${n} starts`).join('; ')}.`));
  box.append(el('h3', {}, `Stationary distribution (population ${$('population').value}, selection ${$('selection').value}, small mutations)`));
  if (r.stationary) {
    const bars = el('div', { id: 'stationary' });
    let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="520" height="' + (30 * m + 10) + '" font-family="sans-serif" font-size="12">';
    r.stationary.forEach((v, i) => {
      svg += `<text x="0" y="${30 * i + 20}">${r.strategies[i]}</text><rect x="90" y="${30 * i + 6}" width="${(340 * v).toFixed(1)}" height="18" fill="${COLORS[i]}"/><text x="${95 + 340 * v}" y="${30 * i + 20}">${pct(v)}</text>`;
    });
    bars.innerHTML = svg + '</svg>';
    box.append(bars);
  }
}

/// The replicator flow: for two strategies dx/dt of the first's share
/// along [0, 1]; for three, arrows and trajectories on the simplex.
function flowSvg(r) {
  const m = r.strategies.length;
  const W = 520, H = m === 2 ? 220 : 460;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`;
  if (m === 2) {
    const L = 50, R = 20, T = 20, B = 40;
    const vmax = Math.max(1e-12, ...r.flow.map(([, v]) => Math.abs(v[0])));
    const x = (s) => L + (W - L - R) * s;
    const y = (v) => T + (H - T - B) / 2 - (H - T - B) / 2 * v / vmax;
    svg += `<line x1="${L}" y1="${y(0)}" x2="${W - R}" y2="${y(0)}" stroke="#999"/>`;
    svg += `<path d="${r.flow.map(([p, v], k) => `${k ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(v[0]).toFixed(1)}`).join('')}" fill="none" stroke="#1f77b4" stroke-width="2"/>`;
    for (const [p, v] of r.flow) {
      if (Math.abs(v[0]) < 1e-12 * vmax) continue;
      const d = v[0] > 0 ? 6 : -6;
      svg += `<path d="M${x(p[0]) - d / 2},${y(0) - 4}L${x(p[0]) + d / 2},${y(0)}L${x(p[0]) - d / 2},${y(0) + 4}" fill="none" stroke="#333"/>`;
    }
    for (const [p] of r.rest_points) svg += `<circle cx="${x(p[0])}" cy="${y(0)}" r="5" fill="#000"/>`;
    for (const p of r.nash) svg += `<circle cx="${x(p[0])}" cy="${y(0)}" r="8" fill="none" stroke="#c0392b" stroke-width="2"/>`;
    svg += `<text x="${L}" y="${H - 22}">share of ${r.strategies[0]}: 0 (all ${r.strategies[1]}) to 1 (all ${r.strategies[0]})</text>`;
    svg += `<text x="${L}" y="${H - 6}">curve: d(share)/dt; black dots: where the dynamics rest; red rings: Nash equilibria</text>`;
  } else {
    const corner = [[W / 2, 30], [40, H - 40], [W - 40, H - 40]];
    const at = (p) => [0, 1].map((k) => p[0] * corner[0][k] + p[1] * corner[1][k] + p[2] * corner[2][k]);
    svg += `<polygon points="${corner.map((c) => c.join(',')).join(' ')}" fill="#f6f8fb" stroke="#999"/>`;
    corner.forEach((c, i) => { svg += `<text x="${c[0] + (i === 0 ? 8 : i === 1 ? -30 : 8)}" y="${c[1] + (i === 0 ? 0 : 18)}">${r.strategies[i]}</text>`; });
    for (const path of r.paths) {
      svg += `<path d="${path.map((p, k) => { const [a, b] = at(p); return `${k ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`; }).join('')}" fill="none" stroke="#9ab" stroke-width="1"/>`;
    }
    const vmax = Math.max(1e-12, ...r.flow.map(([, v]) => Math.hypot(...v)));
    for (const [p, v] of r.flow) {
      const [a, b] = at(p);
      const q = p.map((pi, k) => pi + 0.06 * v[k] / vmax);
      const [c, d] = at(q);
      svg += `<line x1="${a.toFixed(1)}" y1="${b.toFixed(1)}" x2="${c.toFixed(1)}" y2="${d.toFixed(1)}" stroke="#333"/><circle cx="${c.toFixed(1)}" cy="${d.toFixed(1)}" r="1.5"/>`;
    }
    for (const [p] of r.rest_points) { const [a, b] = at(p); svg += `<circle cx="${a}" cy="${b}" r="5" fill="#000"/>`; }
    for (const p of r.nash) { const [a, b] = at(p); svg += `<circle cx="${a}" cy="${b}" r="8" fill="none" stroke="#c0392b" stroke-width="2"/>`; }
  }
  return svg + '</svg>';
}

// ---------- the game file's strategies, simulated ----------

/// The Game tab for a game file: its strategies simulated by the server as
/// `airace game` simulates them (same seed, runs and added runs), with the
/// bytes of the tables `airace game` writes.
function setUpRaceGame(g) {
  $('race-game').hidden = false;
  $('race-game-title').textContent = `${g.name}: ${g.players} players, ${g.strategies.length} strategies, ${g.profiles} profiles`;
  $('race-game-about').textContent = (g.symmetric
    ? `A symmetric game: every lab is alike but for its strategy, so a profile is how many labs play each strategy. `
    : `A game of seats (${g.seats.join(', ')}): the labs differ, so a profile is a strategy per seat; `
      + 'replicator dynamics and the stationary distribution need a symmetric game and are not drawn (neither does airace game). ')
    + `Strategies: ${g.strategies.join(', ')}. Each profile is raced with common random numbers (seed ${g.seed}); `
    + 'the payoff is the utility of the game file\'s [payoff], with its 95% interval over runs. '
    + `These are the numbers of airace game ${app.sourceFile || ''} (a profile's verdict is "undecided" when a deviation's gain is within noise).`;
  $('race-game-runs').value = g.runs;
  $('race-game-simulate').addEventListener('click', simulateRaceGame);
  $('race-game-download').addEventListener('click', () => {
    if (!app.raceGameShown) return;
    for (const [name, text] of app.raceGameShown.files) download(`${g.name}-${name}`, text, 'text/csv');
  });
}

let raceGameController = null;
async function simulateRaceGame() {
  if (raceGameController) raceGameController.abort();
  const controller = new AbortController();
  raceGameController = controller;
  app.raceGameStarted = true;
  const runs = Number($('race-game-runs').value);
  const body = { page: PAGE, runs, adaptive: $('race-game-adaptive').checked };
  document.body.dataset.raceGame = 'waiting';
  $('race-game-status').textContent = 'simulating every profile…';
  let response, r;
  try {
    response = await fetch('/api/race-game', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal });
    r = await response.json();
  } catch (e) {
    return;
  }
  if (raceGameController !== controller) return;
  const problems = $('race-game-problems');
  if (!response.ok) {
    if (r.cancelled) return;
    problems.hidden = false;
    problems.textContent = r.error;
    $('race-game-status').textContent = '';
    document.body.dataset.raceGame = 'refused';
    return;
  }
  problems.hidden = true;
  app.raceGameShown = r;
  $('race-game-download').disabled = false;
  $('race-game-status').textContent = `${r.runs} runs of every profile${r.rounds ? `, more in ${r.rounds} rounds where a deviation was undecided` : ''}, seed ${r.seed}: ${(r.elapsed_ms / 1000).toFixed(1)} s`;
  showRaceGame(r);
  document.body.dataset.raceGame = 'done';
}

function showRaceGame(r) {
  const box = $('race-game-results');
  box.replaceChildren();
  const symmetric = r.game.symmetric;
  const status = new Map(r.profiles.map((p) => [p.profile, p.status]));
  const table = el('table', { id: 'race-game-payoffs' }, el('tr', {}, ...['profile', symmetric ? 'strategy' : 'seat: strategy',
    symmetric ? 'labs playing it' : '', 'payoff', '95% interval', 'P(catastrophe) ± 2 SE', 'runs', 'equilibrium?'].filter((h) => h !== '').map((h) => el('th', {}, h))));
  let last = -1;
  for (const row of r.rows) {
    const first = row.profile !== last;
    last = row.profile;
    const st = status.get(row.profile);
    const cells = [el('td', {}, first ? row.label : ''), el('td', {}, symmetric ? row.strategy : `${row.seat}: ${row.strategy}`)];
    if (symmetric) cells.push(el('td', {}, String(row.players)));
    cells.push(el('td', { class: 'payoff' }, num(row.payoff, 4)), el('td', {}, `[${num(row.payoff_ci[0], 3)}, ${num(row.payoff_ci[1], 3)}]`),
      el('td', {}, first ? `${pct(row.p_catastrophe)} ± ${pct(2 * row.p_catastrophe_se)}` : ''), el('td', {}, first ? String(row.runs) : ''),
      el('td', {}, first ? st : ''));
    table.append(el('tr', { class: st === 'not an equilibrium' || st === 'undecided' ? '' : 'eq' }, ...cells));
  }
  box.append(table);
  const eq = r.profiles.filter((p) => p.status === 'strict' || p.status === 'weak');
  const undecided = r.profiles.filter((p) => p.status === 'undecided');
  const mixes = r.nash.map((n) => (symmetric ? '(' + n.mix[0].map((v) => num(v)).join(', ') + ')'
    : n.mix.map((m, k) => `${r.game.seats[k]} (${m.map((v) => num(v)).join(', ')})`).join(' / ')) + ` ε ${num(n.epsilon)}`);
  box.append(el('p', { id: 'race-game-equilibria', 'data-pure': eq.map((p) => p.label).join('; ') },
    `Pure equilibria: ${eq.length ? eq.map((p) => `${p.label} (${p.status})`).join(', ') : 'none decided'}` +
    (undecided.length ? `; undecided at these runs: ${undecided.map((p) => p.label).join(', ')}` : '') + '. ' +
    `Nash equilibria in mixed strategies (share of ${r.game.strategies.join(', ')}; ε: the most a pure deviation gains): ${mixes.join('; ')}.`));
  if (symmetric) {
    const m = r.game.strategies.length;
    const shim = { strategies: r.game.strategies, flow: r.flow, rest_points: r.rest_points, paths: r.paths, nash: r.nash.map((n) => n.mix[0]) };
    box.append(el('h3', {}, 'Replicator flow (a large population, labs imitating the better strategy)'));
    const flow = el('div', { id: 'race-game-flow' });
    flow.innerHTML = m <= 3 ? flowSvg(shim) : '<p class="hint">The flow is drawn for 2 or 3 strategies; where trajectories end is listed below.</p>';
    box.append(flow);
    box.append(el('p', { class: 'hint' }, `Where trajectories end: ${r.rest_points.map(([x, n]) => `(${x.map((v) => num(v)).join(', ')}) from ${n} starts`).join('; ')}.`));
    if (r.stationary) {
      box.append(el('h3', {}, `Stationary distribution (population ${r.population}, selection ${r.selection}, small mutations)`));
      const bars = el('div', { id: 'race-game-stationary' });
      let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="520" height="' + (30 * m + 10) + '" font-family="sans-serif" font-size="12">';
      r.stationary.forEach((v, i) => {
        svg += `<text x="0" y="${30 * i + 20}">${r.game.strategies[i]}</text><rect x="90" y="${30 * i + 6}" width="${(340 * v).toFixed(1)}" height="18" fill="${COLORS[i % COLORS.length]}"/><text x="${95 + 340 * v}" y="${30 * i + 20}">${pct(v)}</text>`;
      });
      bars.innerHTML = svg + '</svg>';
      box.append(bars);
    }
  }
}

// ---------- start ----------

function load(scenario, baseline = null) {
  app.scenario = scenario;
  app.baseline = baseline;
  $('pin').hidden = false;
  $('unpin').hidden = !baseline;
  buildForm();
  changed();
}

async function loadShipped(name) {
  const r = await fetch(`/api/scenario?name=${encodeURIComponent(name)}`).then((x) => x.json());
  $('source').textContent = r.source;
  load(r.scenario);
}

async function start() {
  const s = await fetch('/api/start').then((r) => r.json());
  for (const k of s.keys) app.keys[k.path] = k;
  app.rules = s.rules;
  app.initial = s.scenario;
  app.sourceFile = s.source;
  $('source').textContent = `${s.source} · airace ${s.version}`;
  const menu = $('shipped');
  menu.append(el('option', { value: '' }, `${s.source} (as started)`));
  for (const name of s.shipped) menu.append(el('option', { value: name }, name));
  menu.addEventListener('change', () => {
    if (menu.value) loadShipped(menu.value);
    else load(JSON.parse(JSON.stringify(app.initial)));
  });
  $('reset').addEventListener('click', () => { menu.value = ''; load(JSON.parse(JSON.stringify(app.initial))); });
  $('add-lab').addEventListener('click', () => {
    const last = app.scenario.labs[app.scenario.labs.length - 1];
    const lab = JSON.parse(JSON.stringify(last));
    lab.name = `Lab${app.scenario.labs.length + 1}`;
    app.scenario.labs.push(lab);
    buildLabs();
    changed();
  });
  $('pin').addEventListener('click', () => {
    app.baseline = JSON.parse(JSON.stringify(app.scenario));
    $('unpin').hidden = false;
    changed();
  });
  $('unpin').addEventListener('click', () => { app.baseline = null; $('unpin').hidden = true; changed(); });
  $('download-toml').addEventListener('click', () => download(`${app.scenario.scenario.name}.toml`, app.toml, 'application/toml'));
  $('download-figures').addEventListener('click', () => {
    if (!app.last) return;
    for (const f of app.last.current.figures) download(`${app.scenario.scenario.name}-${f.stem}.svg`, f.svg, 'image/svg+xml');
    // The PNGs are drawn by the server from all runs, as `airace run` draws them.
    const scenario = app.scenario;
    for (const f of app.last.current.figures) {
      fetch('/api/figure.png', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ scenario, stem: f.stem }) })
        .then((r) => (r.ok ? r.blob() : null))
        .then((blob) => blob && download(`${scenario.scenario.name}-${f.stem}.png`, blob, 'image/png'));
    }
  });
  $('copy-link').addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText(location.href));
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
  for (const b of document.querySelectorAll('.lesson')) {
    b.addEventListener('click', () => {
      menu.value = b.dataset.load;
      loadShipped(b.dataset.load);
      document.querySelector('.tab[data-tab="scenario"]').click();
    });
  }
  $('pick').addEventListener('change', () => { $('run-number').hidden = $('pick').value !== 'run'; });
  $('replay').addEventListener('click', replay);
  $('play').addEventListener('click', play);
  $('step').addEventListener('click', () => app.replay && setTime(Math.min(app.replay.steps, app.time + 1)));
  $('time').addEventListener('input', () => setTime(Number($('time').value)));
  $('add-strategy').addEventListener('click', () => {
    if (game.strategies.length >= 4) return;
    const m = game.strategies.length;
    game.strategies.push(`s${m + 1}`);
    game.payoffs.forEach((row) => row.push(0));
    game.payoffs.push(new Array(m + 1).fill(0));
    buildGame();
    analyseGame();
  });
  $('remove-strategy').addEventListener('click', () => {
    if (game.strategies.length <= 2) return;
    game.strategies.pop();
    game.payoffs.pop();
    game.payoffs.forEach((row) => row.pop());
    buildGame();
    analyseGame();
  });
  $('population').addEventListener('input', analyseGame);
  $('selection').addEventListener('input', analyseGame);
  app.raceGame = s.game;
  if (s.game) setUpRaceGame(s.game);
  const saved = location.hash.startsWith('#s=') ? decodeState(location.hash.slice(3)) : null;
  if (saved && saved.game && Array.isArray(saved.game.strategies)) {
    game.strategies = saved.game.strategies;
    game.payoffs = saved.game.payoffs;
  }
  buildGame();
  analyseGame();
  if (saved && saved.scenario) load(saved.scenario, saved.baseline || null);
  else load(JSON.parse(JSON.stringify(app.initial)));
  if (saved && typeof saved.tab === 'string' && $(`tab-${saved.tab}`)) showTab(saved.tab);
  if (saved && saved.replay) replay(saved.replay);
}

/// Shows the tab `name` (and remembers it in the URL).
function showTab(name) {
  app.tab = name;
  for (const o of document.querySelectorAll('.tab')) o.setAttribute('aria-selected', String(o.dataset.tab === name));
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `tab-${name}`;
  if (name === 'game' && app.raceGame && !app.raceGameStarted) simulateRaceGame();
  saveUrl();
}

start();
