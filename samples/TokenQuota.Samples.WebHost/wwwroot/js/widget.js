// The user quota widget: period written out, input/output progress bars, remaining tokens, rate limits,
// a warning above 80 % and a blocked state at 100 % that says when the limit resets.
'use strict';
const quotaWidget = {
  async refresh() {
    const widget = document.getElementById('quota-widget');
    try {
      const { quota } = await api.get('/api/v1/auth/user/quota-status');
      this.render(widget, quota);
    } catch (e) {
      widget.dataset.state = 'error';
      document.getElementById('quota-alert').textContent = `Could not load your quota: ${e.message}`;
    }
  },
  render(widget, quota) {
    document.getElementById('quota-period').textContent = format.period(quota.period);
    document.getElementById('quota-profile').textContent = quota.profile_name || 'none';
    const dims = [['input', 'input', quota.input_tokens], ['output', 'output', quota.output_tokens]];
    let state = 'ok';
    const messages = [];
    for (const [id, label, d] of dims) {
      const meter = document.getElementById(`${id}-meter`);
      const text = document.getElementById(`${id}-text`);
      if (d.limit === null) {
        meter.value = 0;
        meter.setAttribute('aria-valuetext', 'Unlimited');
        text.textContent = `${format.number(d.used)} used · Unlimited`;
        continue;
      }
      const pct = d.percentage_used;
      meter.value = Math.min(100, pct);
      meter.setAttribute('aria-valuetext', `${pct.toFixed(1)} percent used`);
      text.textContent = `${format.number(d.used)} of ${format.number(d.limit)} used (${pct.toFixed(1)} %) · ${format.number(d.remaining)} remaining`;
      if (pct >= 100 || d.remaining === 0) {
        state = 'blocked';
        messages.push(`Blocked: your monthly ${label} token limit is reached. It resets on ${format.dateTime(quota.resets_at)}.`);
      } else if (pct > 80) {
        if (state !== 'blocked') state = 'warning';
        messages.push(`Warning: you have used ${pct.toFixed(1)} % of your monthly ${label} tokens.`);
      }
    }
    const rates = quota.rate_limits || {};
    document.getElementById('rate-hour').textContent = format.number(rates.prompts_per_hour);
    document.getElementById('rate-day').textContent = format.number(rates.prompts_per_day);
    document.getElementById('rate-config').textContent = format.number(rates.config_changes_per_hour);
    widget.dataset.state = state;
    const alert = document.getElementById('quota-alert');
    const blocked = messages.filter(m => m.startsWith('Blocked'));
    alert.textContent = (state === 'blocked' ? blocked : messages).join(' ');
  },
};
