'use strict';
(async () => {
  await loadMe();
  await quotaWidget.refresh();
  document.getElementById('quota-refresh').addEventListener('click', () => quotaWidget.refresh());
  const form = document.getElementById('chat-form');
  const prompt = document.getElementById('prompt');
  const error = document.getElementById('chat-error');
  const conversation = document.getElementById('conversation');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const button = document.getElementById('send-button');
    button.disabled = true;
    try {
      const reply = await api.post('/api/chat', { prompt: prompt.value });
      const item = document.createElement('li');
      const text = document.createElement('p');
      text.textContent = reply.reply;
      const meta = document.createElement('p');
      meta.className = 'meta';
      meta.textContent = `${reply.input_tokens} input and ${reply.output_tokens} output tokens`;
      item.append(text, meta);
      conversation.append(item);
      prompt.value = '';
    } catch (e) {
      // The server's message, for example "Input token quota exceeded. Limit: 1,000/month, Used: 1,000, Remaining: 0".
      error.textContent = e.message;
    } finally {
      button.disabled = false;
      await quotaWidget.refresh();
    }
  });
})();
