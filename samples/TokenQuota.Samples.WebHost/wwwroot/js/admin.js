// The admin panel: the run-time rate-limit settings, model prices (prices.js), usage by model (usage.js), profiles (create, edit, delete, set default,
// activate/deactivate, calendar and extra limits), users (profile drop-down, bulk assignment) and the audit log, all through the endpoints of MapTokenQuotaEndpoints(); and the sample's own
// metrics endpoint, which reads the TokenQuota meter in the server process.
'use strict';
const base = '/api/v1/auth/admin';
const auditPageSize = 10;
let profiles = [];
let auditOffset = 0;

const el = (id) => document.getElementById(id);
function say(message) { el('admin-error').textContent = ''; el('admin-status').textContent = message; }
// A 400's errors are named by field in #admin-error ("limits[0].window: ...") and shown next to the field:
// a form field's own slot (err-name, err-time_zone, ...) or, for limits[i].part, the row of limit i.
function fail(e) {
  el('admin-status').textContent = '';
  const errors = e.data && e.data.errors;
  if (!errors) { el('admin-error').textContent = e.message; return; }
  const lines = [];
  for (const [field, list] of Object.entries(errors)) {
    const text = list.join(' ');
    lines.push(`${field}: ${text}`);
    const slot = el(`err-${field}`);
    if (slot) { slot.textContent = text; continue; }
    const match = /^limits\[(\d+)\](?:\.(\w+))?$/.exec(field);
    const row = match && limitRows()[Number(match[1])];
    if (row) {
      const rowSlot = row.querySelector('.field-error');
      rowSlot.textContent = [rowSlot.textContent, `${match[2] || 'limit'}: ${text}`].filter(Boolean).join(' ');
      const control = match[2] && row.querySelector(`[data-part="${match[2]}"]`);
      if (control) control.setAttribute('aria-invalid', 'true');
    } else if (field.startsWith('limits')) {
      el('err-limits').textContent = `${field}: ${text}`;
    }
  }
  el('admin-error').textContent = lines.join(' ');
}
function clearFieldErrors() {
  document.querySelectorAll('.field-error').forEach(s => { s.textContent = ''; });
  document.querySelectorAll('[aria-invalid]').forEach(c => c.removeAttribute('aria-invalid'));
}
function button(label, className, onClick, accessibleName) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  if (accessibleName) b.setAttribute('aria-label', accessibleName);
  b.addEventListener('click', onClick);
  return b;
}
function cell(row, text) { const td = document.createElement('td'); td.textContent = text; row.append(td); return td; }

async function loadSettings() {
  const { settings } = await api.get(`${base}/rate-limit-settings`);
  el('settings-enabled').checked = settings.rate_limit_enabled;
  el('settings-override').checked = settings.rate_limit_global_override;
}
el('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const result = await api.put(`${base}/rate-limit-settings`, {
      rate_limit_enabled: el('settings-enabled').checked,
      rate_limit_global_override: el('settings-override').checked,
    });
    say(result.message);
    await refreshAll();
  } catch (e) { fail(e); }
});

async function loadProfiles() {
  profiles = (await api.get(`${base}/consumption-profiles`)).profiles;
  const body = el('profiles-table').querySelector('tbody');
  body.replaceChildren();
  for (const p of profiles) {
    const row = document.createElement('tr');
    row.dataset.profileId = p.id;
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = p.name;
    if (p.description) { const d = document.createElement('div'); d.className = 'figures'; d.textContent = p.description; name.append(d); }
    row.append(name);
    cell(row, format.number(p.prompts_per_hour));
    cell(row, format.number(p.prompts_per_day));
    cell(row, format.number(p.config_changes_per_hour));
    cell(row, format.number(p.input_tokens_per_month));
    cell(row, format.number(p.output_tokens_per_month));
    cell(row, p.is_default ? 'Yes' : 'No');
    cell(row, p.is_active ? 'Yes' : 'No');
    cell(row, String(p.user_count));
    const actions = cell(row, '');
    actions.className = 'actions';
    actions.append(button('Edit', 'secondary', () => edit(p), `Edit ${p.name}`));
    if (!p.is_default) {
      actions.append(button('Set default', 'secondary', () => act(`${base}/consumption-profiles/${p.id}/set-default`, 'POST'), `Make ${p.name} the default`));
      actions.append(p.is_active
        ? button('Deactivate', 'secondary', () => act(`${base}/consumption-profiles/${p.id}/deactivate`, 'POST'), `Deactivate ${p.name}`)
        : button('Activate', 'secondary', () => act(`${base}/consumption-profiles/${p.id}/activate`, 'POST'), `Activate ${p.name}`));
      actions.append(button('Delete', 'danger', () => {
        if (window.confirm(`Delete the profile ${p.name}?`)) act(`${base}/consumption-profiles/${p.id}`, 'DELETE');
      }, `Delete ${p.name}`));
    }
    cell(row, calendarText(p));
    const limitsCell = cell(row, '');
    limitsCell.className = 'limits-cell';
    if (p.limits && p.limits.length) {
      const list = document.createElement('ul');
      for (const l of p.limits) { const item = document.createElement('li'); item.textContent = limitText(l); list.append(item); }
      limitsCell.append(list);
    } else {
      limitsCell.textContent = '—';
    }
    body.append(row);
  }
  const bulk = el('bulk-profile');
  bulk.replaceChildren(option('', 'Default profile (unassign)'), ...profiles.filter(p => p.is_active).map(p => option(p.id, p.name)));
}
function option(value, label) { const o = document.createElement('option'); o.value = value; o.textContent = label; return o; }
// The calendar when it is not the default (UTC from day 1, weeks from Monday): "Asia/Kolkata, anchor day 15, weeks from sunday".
function calendarText(p) {
  const parts = [];
  if (p.time_zone && p.time_zone !== 'UTC') parts.push(p.time_zone);
  if (p.anchor_day && p.anchor_day !== 1) parts.push(`anchor day ${p.anchor_day}`);
  if (p.week_start && p.week_start !== 'monday') parts.push(`weeks from ${p.week_start}`);
  return parts.length ? parts.join(', ') : '—';
}
// The library's text form of a limit: meter/window[:algorithm]=amount[@model], e.g. total_tokens/minute=20000@gpt-4o*.
function limitText(l) {
  let text = l.meter;
  if (l.window) text += `/${l.window}`;
  if (l.algorithm && l.algorithm !== 'fixed_window') text += `:${l.algorithm}`;
  const unlimited = l.amount === null || l.amount === undefined;
  // A cost limit's amount is nano-units of the currency: shown as money, cost/month=$25.50.
  text += `=${unlimited ? 'unlimited' : l.meter === 'cost' ? money.format(l.amount, currency) : l.amount}`;
  return l.model ? `${text}@${l.model}` : text;
}

// --- the extra limits editor: one row per limit, its controls named "Meter of limit 1" and so on ---
const meters = ['prompts', 'config_changes', 'input_tokens', 'output_tokens', 'total_tokens', 'cost', 'in_flight'];
const windows = ['minute', 'hour', 'day', 'week', 'month', 'year'];
const algorithms = ['fixed_window', 'token_bucket', 'sliding_window'];
function limitRows() { return [...el('limits-list').querySelectorAll('.limit-row')]; }
function limitControl(part, caption, control) {
  const field = document.createElement('div');
  field.className = 'field';
  control.dataset.part = part;
  control.dataset.caption = caption;
  const label = document.createElement('label');
  label.textContent = caption;
  field.append(label, control);
  return field;
}
function selectOf(values, labels) {
  const s = document.createElement('select');
  values.forEach((v, i) => s.append(option(v, labels ? labels[i] : v)));
  return s;
}
function addLimitRow(limit) {
  const row = document.createElement('li');
  row.className = 'limit-row';
  const meter = selectOf(meters);
  meter.value = limit ? limit.meter : 'total_tokens';
  const windowSelect = selectOf(['', ...windows], ['none (in_flight)', ...windows]);
  windowSelect.value = limit ? (limit.window || '') : 'minute';
  const model = document.createElement('input');
  model.placeholder = 'every model';
  model.autocomplete = 'off';
  model.spellcheck = false;
  model.value = (limit && limit.model) || '';
  const amount = document.createElement('input');
  const hasAmount = limit && limit.amount !== null && limit.amount !== undefined;
  amountKind(amount, meter.value);
  amount.value = hasAmount ? (limit.meter === 'cost' ? money.fromNano(limit.amount) : limit.amount) : '';
  meter.addEventListener('change', () => amountKind(amount, meter.value));
  const algorithm = selectOf(algorithms);
  algorithm.value = (limit && limit.algorithm) || 'fixed_window';
  const error = document.createElement('span');
  error.className = 'field-error';
  const remove = button('Remove limit', 'secondary', () => {
    row.remove();
    renumberLimits();
    el('limit-add').focus();
  });
  row.append(
    limitControl('meter', 'Meter', meter),
    limitControl('window', 'Window', windowSelect),
    limitControl('model', 'Model filter', model),
    limitControl('amount', 'Amount', amount),
    limitControl('algorithm', 'Algorithm', algorithm),
    remove,
    error);
  el('limits-list').append(row);
  renumberLimits();
  return row;
}
// A cost amount is typed in the currency as text (a number input would read it as a float); any other as a whole number.
function amountKind(amount, meter) {
  if (meter === 'cost') {
    amount.type = 'text';
    amount.inputMode = 'decimal';
    amount.removeAttribute('min');
    amount.placeholder = `unlimited (${currency})`;
  } else {
    amount.type = 'number';
    amount.removeAttribute('inputmode');
    amount.min = '0';
    amount.placeholder = 'unlimited';
  }
}
function renumberLimits() {
  const rows = limitRows();
  rows.forEach((row, i) => {
    const n = i + 1;
    row.setAttribute('aria-label', `Limit ${n}`);
    row.querySelector('.field-error').id = `err-limits-${i}`;
    for (const control of row.querySelectorAll('[data-part]')) {
      control.id = `limit-${n}-${control.dataset.part}`;
      control.setAttribute('aria-label', `${control.dataset.caption} of limit ${n}`);
      control.setAttribute('aria-describedby', `err-limits-${i}`);
      control.previousElementSibling.htmlFor = control.id;
    }
    row.querySelector('button').setAttribute('aria-label', `Remove limit ${n}`);
  });
  el('limits-empty').hidden = rows.length > 0;
}
function setLimitRows(limits) {
  el('limits-list').replaceChildren();
  (limits || []).forEach(l => addLimitRow(l));
  renumberLimits();
}
// The rows as the API's JSON limits; null (and a message in the row) when an amount is not a number.
function readLimits() {
  let ok = true;
  const limits = limitRows().map((row, i) => {
    const part = (name) => row.querySelector(`[data-part="${name}"]`);
    const limit = { meter: part('meter').value };
    if (part('window').value) limit.window = part('window').value;
    const model = part('model').value.trim();
    if (model) limit.model = model;
    const amount = part('amount');
    const typed = amount.value.trim();
    const nano = limit.meter === 'cost' && typed !== '' ? money.toNano(typed) : undefined;
    if (amount.validity.badInput || nano === null) {
      ok = false;
      const why = nano === null
        ? `an amount of ${currency} such as 25.50 (at most 9 decimals), or empty for unlimited.`
        : 'a whole number, or empty for unlimited.';
      amount.setAttribute('aria-invalid', 'true');
      row.querySelector('.field-error').textContent = `amount: ${why}`;
      el('admin-error').textContent = `limits[${i}].amount: ${why}`;
    }
    limit.amount = typed === '' ? null : nano ? money.json(nano) : Number(typed);
    if (part('algorithm').value !== 'fixed_window') limit.algorithm = part('algorithm').value;
    return limit;
  });
  return ok ? limits : null;
}
el('limit-add').addEventListener('click', () => { addLimitRow().querySelector('select').focus(); });

async function act(url, method) {
  try {
    const result = await api.request(method, url);
    say(result.message);
    await refreshAll();
  } catch (e) { fail(e); }
}

function edit(p) {
  clearFieldErrors();
  el('profile-id').value = p.id;
  el('profile-name').value = p.name;
  el('profile-description').value = p.description || '';
  el('profile-prompts-hour').value = p.prompts_per_hour;
  el('profile-prompts-day').value = p.prompts_per_day;
  el('profile-config-hour').value = p.config_changes_per_hour;
  el('profile-input').value = p.input_tokens_per_month ?? '';
  el('profile-output').value = p.output_tokens_per_month ?? '';
  el('profile-default').checked = p.is_default;
  el('profile-active').checked = p.is_active;
  el('profile-time-zone').value = p.time_zone || '';
  el('profile-anchor-day').value = p.anchor_day ?? 1;
  el('profile-week-start').value = p.week_start || 'monday';
  setLimitRows(p.limits);
  el('profile-form-title').textContent = `Edit ${p.name}`;
  el('profile-save').textContent = 'Save changes';
  el('profile-cancel').hidden = false;
  el('profile-name').focus();
}
function resetForm() {
  el('profile-form').reset();
  el('profile-id').value = '';
  el('profile-form-title').textContent = 'Create a profile';
  el('profile-save').textContent = 'Create profile';
  el('profile-cancel').hidden = true;
  setLimitRows([]);
  clearFieldErrors();
}
function numberOrNull(id) { const v = el(id).value.trim(); return v === '' ? null : Number(v); }

el('profile-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors();
  el('admin-error').textContent = '';
  const id = el('profile-id').value;
  const limits = readLimits();
  if (limits === null) { el('admin-status').textContent = ''; return; }
  const body = {
    name: el('profile-name').value,
    description: el('profile-description').value || null,
    prompts_per_hour: numberOrNull('profile-prompts-hour'),
    prompts_per_day: numberOrNull('profile-prompts-day'),
    config_changes_per_hour: numberOrNull('profile-config-hour'),
    input_tokens_per_month: numberOrNull('profile-input'),
    output_tokens_per_month: numberOrNull('profile-output'),
    is_default: el('profile-default').checked,
    is_active: el('profile-active').checked,
    // Empty calendar fields are the defaults; the whole list of limits is sent, so removing every row removes them.
    time_zone: el('profile-time-zone').value.trim() || 'UTC',
    anchor_day: numberOrNull('profile-anchor-day') ?? 1,
    week_start: el('profile-week-start').value,
    limits,
  };
  try {
    const result = id
      ? await api.put(`${base}/consumption-profiles/${id}`, body)
      : await api.post(`${base}/consumption-profiles`, body);
    say(result.message);
    resetForm();
    await refreshAll();
  } catch (e) { fail(e); }
});
el('profile-cancel').addEventListener('click', resetForm);

async function loadUsers() {
  const { users } = await api.get('/api/demo/users');
  const body = el('users-table').querySelector('tbody');
  body.replaceChildren();
  for (const u of users) {
    const row = document.createElement('tr');
    row.dataset.userId = u.user_id;
    const selectCell = cell(row, '');
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.className = 'user-select';
    check.value = u.user_id;
    check.id = `select-${u.user_id}`;
    check.setAttribute('aria-label', `Select ${u.name}`);
    selectCell.append(check);
    cell(row, `${u.name} (${u.user_id})`);
    cell(row, u.is_admin ? 'Admin' : 'User');
    const profileCell = cell(row, '');
    const select = document.createElement('select');
    select.id = `profile-of-${u.user_id}`;
    select.setAttribute('aria-label', `Consumption profile of ${u.name}`);
    select.append(option('', 'Default profile'), ...profiles.filter(p => p.is_active || p.id === u.consumption_profile_id).map(p => option(p.id, p.name)));
    select.value = u.consumption_profile_id ?? '';
    select.addEventListener('change', async () => {
      try {
        const result = await api.put(`${base}/users/${encodeURIComponent(u.user_id)}/consumption-profile`,
          { profile_id: select.value === '' ? null : Number(select.value) });
        say(`${u.name}: ${result.message}`);
        await refreshAll();
      } catch (e) { fail(e); }
    });
    profileCell.append(select);
    body.append(row);
  }
}

el('bulk-assign').addEventListener('click', async () => {
  const ids = [...document.querySelectorAll('.user-select:checked')].map(c => c.value);
  if (ids.length === 0) { fail(new Error('Select at least one user.')); return; }
  const value = el('bulk-profile').value;
  try {
    const result = await api.put(`${base}/users/consumption-profile`, { user_ids: ids, profile_id: value === '' ? null : Number(value) });
    say(result.message);
    await refreshAll();
  } catch (e) { fail(e); }
});

async function loadAudit() {
  const page = await api.get(`${base}/audit-log?offset=${auditOffset}&limit=${auditPageSize}`);
  const body = el('audit-table').querySelector('tbody');
  body.replaceChildren();
  for (const e of page.entries) {
    const row = document.createElement('tr');
    cell(row, format.dateTime(e.occurred_at));
    cell(row, e.actor || '—');
    cell(row, e.action);
    cell(row, e.target);
    body.append(row);
  }
  const first = page.total_count === 0 ? 0 : auditOffset + 1;
  el('audit-page').textContent = `${first}–${auditOffset + page.entries.length} of ${page.total_count}`;
  el('audit-prev').disabled = auditOffset === 0;
  el('audit-next').disabled = auditOffset + auditPageSize >= page.total_count;
}
el('audit-prev').addEventListener('click', () => { auditOffset = Math.max(0, auditOffset - auditPageSize); loadAudit().catch(fail); });
el('audit-next').addEventListener('click', () => { auditOffset += auditPageSize; loadAudit().catch(fail); });

function figure(n) { return n === null || n === undefined ? '' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 6 }); }
async function loadMetrics() {
  const series = (await api.get('/api/demo/metrics')).series;
  const body = el('metrics-table').querySelector('tbody');
  body.replaceChildren();
  for (const s of series) {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = s.unit ? `${s.instrument} (${s.unit})` : s.instrument;
    row.append(name);
    cell(row, s.attributes);
    cell(row, figure(s.count));
    cell(row, figure(s.sum));
    cell(row, s.kind === 'histogram' ? figure(s.mean) : '');
    cell(row, s.kind === 'histogram' ? figure(s.max) : '');
    body.append(row);
  }
}
el('metrics-refresh').addEventListener('click', () => { loadMetrics().catch(fail); });

async function refreshAll() {
  await loadSettings();
  await loadPrices();
  await loadModelUsage();
  await loadProfiles();
  await loadUsers();
  auditOffset = 0;
  await loadAudit();
  await loadMetrics();
}

(async () => {
  try {
    const me = await loadMe();
    if (!me.is_admin) { fail(new Error('The admin panel needs an admin account.')); return; }
    await refreshAll();
  } catch (e) { fail(e); }
})();
