// The admin panel's model prices: the catalogue cost limits are charged from (list, set or edit one, remove), through
// /admin/model-prices, and the installation's currency, which the profile editor types cost amounts in.
'use strict';
const always = '1970-01-01T00:00:00.000Z';
let currency = 'USD';

async function loadPrices() {
  const result = await api.get(`${base}/model-prices`);
  currency = result.currency;
  el('prices-currency').textContent = currency;
  const body = el('prices-table').querySelector('tbody');
  body.replaceChildren();
  for (const p of result.prices) {
    const row = document.createElement('tr');
    const from = p.effective_from === always ? 'always' : format.dateTime(p.effective_from);
    const model = document.createElement('th');
    model.scope = 'row';
    model.textContent = p.model;
    row.append(model);
    cell(row, from);
    cell(row, money.formatDecimal(p.input_per_million, currency));
    cell(row, p.cached_input_per_million === null ? 'as input' : money.formatDecimal(p.cached_input_per_million, currency));
    cell(row, money.formatDecimal(p.output_per_million, currency));
    cell(row, p.reasoning_per_million === null ? 'as output' : money.formatDecimal(p.reasoning_per_million, currency));
    const actions = cell(row, '');
    actions.className = 'actions';
    const name = `the price of ${p.model} from ${from}`;
    actions.append(button('Edit', 'secondary', () => editPrice(p), `Edit ${name}`));
    actions.append(button('Remove', 'danger', () => {
      if (!window.confirm(`Remove ${name}?`)) return;
      const query = `model=${encodeURIComponent(p.model)}&effective_from=${encodeURIComponent(p.effective_from)}`;
      act(`${base}/model-prices?${query}`, 'DELETE');
    }, `Remove ${name}`));
    body.append(row);
  }
  el('prices-empty').hidden = result.prices.length > 0;
}

// The API writes prices as JSON numbers of at most six decimals, which String() gives back as they were written.
function priceText(value) { return value === null || value === undefined ? '' : String(value); }
function editPrice(p) {
  clearFieldErrors();
  el('price-model').value = p.model;
  el('price-from').value = p.effective_from === always ? '' : p.effective_from;
  el('price-input').value = priceText(p.input_per_million);
  el('price-cached').value = priceText(p.cached_input_per_million);
  el('price-output').value = priceText(p.output_per_million);
  el('price-reasoning').value = priceText(p.reasoning_per_million);
  el('price-form-title').textContent = `Edit the price of ${p.model}`;
  el('price-cancel').hidden = false;
  el('price-input').focus();
}
function resetPriceForm() {
  el('price-form').reset();
  el('price-form-title').textContent = 'Set a price';
  el('price-cancel').hidden = true;
  clearFieldErrors();
}
// Prices are sent as the text typed (the API reads strings exactly); empty is null: required, or "as input/output".
function textOrNull(id) { const v = el(id).value.trim(); return v === '' ? null : v; }

el('price-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors();
  el('admin-error').textContent = '';
  const body = {
    model: textOrNull('price-model'),
    input_per_million: textOrNull('price-input'),
    cached_input_per_million: textOrNull('price-cached'),
    output_per_million: textOrNull('price-output'),
    reasoning_per_million: textOrNull('price-reasoning'),
  };
  const from = textOrNull('price-from');
  if (from !== null) body.effective_from = from;
  try {
    const result = await api.post(`${base}/model-prices`, body);
    say(result.message);
    resetPriceForm();
    await refreshAll();
  } catch (e) { fail(e); }
});
el('price-cancel').addEventListener('click', resetPriceForm);
