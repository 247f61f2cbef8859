// The admin panel's usage by model: for the chosen month, the totals per model over every user and, once a user is
// chosen, that user's rows, with the cost in the installation's currency as the server writes it (cost_display), and
// a link to the same rows as CSV. All through /admin/usage/models, /admin/usage/models.csv and /admin/usage.
'use strict';

// The current month in UTC, as periods are kept: "2025-12".
function currentPeriod() { return new Date().toISOString().slice(0, 7); }
function usagePeriod() {
  const input = el('usage-period');
  if (!/^\d{4}-\d{2}$/.test(input.value)) input.value = currentPeriod();
  return input.value;
}

function fillUsageTable(table, empty, rows) {
  const body = el(table).querySelector('tbody');
  body.replaceChildren();
  for (const r of rows) {
    const row = document.createElement('tr');
    const model = document.createElement('th');
    model.scope = 'row';
    model.textContent = r.model;
    row.append(model);
    for (const n of [r.calls, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_tokens]) cell(row, format.number(n));
    cell(row, r.cost_display);
    body.append(row);
  }
  el(empty).hidden = rows.length > 0;
}

// The users who used tokens in the month, for the user choice; the chosen one stays chosen while still listed.
async function loadUsageUsers(period) {
  const select = el('usage-user');
  const chosen = select.value;
  const page = await api.get(`${base}/usage?period=${period}&sort=user_id&limit=1000`);
  select.replaceChildren(option('', 'Every user'), ...page.users.map(u => option(u.user_id, u.user_id)));
  select.value = page.users.some(u => u.user_id === chosen) ? chosen : '';
}

async function loadModelUsage() {
  const period = usagePeriod();
  await loadUsageUsers(period);
  const userId = el('usage-user').value;
  const totals = await api.get(`${base}/usage/models?period=${period}&group=model`);
  el('usage-currency').textContent = totals.currency;
  fillUsageTable('usage-models-table', 'usage-models-empty', totals.usage);
  el('usage-user-part').hidden = userId === '';
  const query = `period=${period}` + (userId === '' ? '' : `&user_id=${encodeURIComponent(userId)}`);
  if (userId !== '') {
    el('usage-user-title').textContent = `Per model, ${userId}`;
    fillUsageTable('usage-user-table', 'usage-user-empty', (await api.get(`${base}/usage/models?${query}`)).usage);
  }
  // Every user: the rows per user and model; one user: that user's rows.
  el('usage-csv').href = `${base}/usage/models.csv?${query}`;
  el('usage-csv').setAttribute('aria-label', userId === '' ? `Download CSV of the usage by user and model, ${period}` : `Download CSV of ${userId}'s usage by model, ${period}`);
}

el('usage-period').addEventListener('change', () => { loadModelUsage().catch(fail); });
el('usage-user').addEventListener('change', () => { loadModelUsage().catch(fail); });
