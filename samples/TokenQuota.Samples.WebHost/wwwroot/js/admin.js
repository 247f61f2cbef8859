// The admin panel: the run-time rate-limit settings, profiles (create, edit, delete, set default,
// activate/deactivate), users (profile drop-down, bulk assignment) and the audit log, all through the endpoints of MapTokenQuotaEndpoints(); and the sample's own
// metrics endpoint, which reads the TokenQuota meter in the server process.
'use strict';
const base = '/api/v1/auth/admin';
const auditPageSize = 10;
let profiles = [];
let auditOffset = 0;

const el = (id) => document.getElementById(id);
function say(message) { el('admin-error').textContent = ''; el('admin-status').textContent = message; }
function fail(e) {
  el('admin-status').textContent = '';
  el('admin-error').textContent = e.message;
  const errors = e.data && e.data.errors;
  if (errors) {
    for (const [field, list] of Object.entries(errors)) {
      const slot = el(`err-${field}`);
      if (slot) slot.textContent = list.join(' ');
    }
  }
}
function clearFieldErrors() { document.querySelectorAll('.field-error').forEach(s => { s.textContent = ''; }); }
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
    body.append(row);
  }
  const bulk = el('bulk-profile');
  bulk.replaceChildren(option('', 'Default profile (unassign)'), ...profiles.filter(p => p.is_active).map(p => option(p.id, p.name)));
}
function option(value, label) { const o = document.createElement('option'); o.value = value; o.textContent = label; return o; }

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
  clearFieldErrors();
}
function numberOrNull(id) { const v = el(id).value.trim(); return v === '' ? null : Number(v); }

el('profile-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors();
  const id = el('profile-id').value;
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
