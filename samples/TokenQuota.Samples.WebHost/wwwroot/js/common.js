// Shared helpers: JSON fetch that turns error bodies (seed {status, message} or ProblemDetails) into messages.
'use strict';
const api = {
  async request(method, url, body) {
    const options = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = null;
    const text = await response.text();
    if (text) { try { data = JSON.parse(text); } catch { data = { message: text }; } }
    if (response.status === 401 && !url.startsWith('/account/')) {
      window.location.href = '/signin.html';
      throw new Error('Please sign in.');
    }
    if (!response.ok) {
      const error = new Error((data && (data.message || data.detail || data.title)) || `Request failed (${response.status})`);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  },
  get(url) { return this.request('GET', url); },
  post(url, body) { return this.request('POST', url, body); },
  put(url, body) { return this.request('PUT', url, body); },
  del(url) { return this.request('DELETE', url); },
};

const format = {
  number(n) { return n === null || n === undefined ? 'Unlimited' : Number(n).toLocaleString('en-US'); },
  // "2025-12" → "December 2025"
  period(key) {
    const [year, month] = key.split('-').map(Number);
    return new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
  },
  // "17:02 UTC"
  time(iso) {
    return new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
  },
  dateTime(iso) {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
  },
};

async function loadMe() {
  const me = await api.get('/api/me');
  const who = document.getElementById('who');
  if (who) who.textContent = `Signed in as ${me.name}`;
  const adminLink = document.getElementById('admin-link');
  if (adminLink) adminLink.hidden = !me.is_admin;
  const signOut = document.getElementById('signout-button');
  if (signOut) signOut.addEventListener('click', async () => { await api.post('/account/signout'); window.location.href = '/signin.html'; });
  return me;
}
