'use strict';
document.getElementById('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('signin-error');
  error.textContent = '';
  try {
    const result = await api.post('/account/signin', {
      userName: document.getElementById('username').value,
      password: document.getElementById('password').value,
    });
    window.location.href = result.user.is_admin ? '/admin.html' : '/index.html';
  } catch (e) {
    error.textContent = e.message;
  }
});
