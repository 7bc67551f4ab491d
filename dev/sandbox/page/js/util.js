// Small DOM helpers shared by the page's parts.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'style') node.setAttribute('style', value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// White initials on these stay above 4.5:1 contrast.
const COLORS = { owner: '#0b7167', admin: '#5b4dd6', compliance: '#9a5a09', colleague: '#c2185b' };

export function initials(name) {
  return String(name || '?')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
}

/** An avatar for a cast member, the bot, or anyone else. */
export function avatar(who, size = '') {
  const cls = ['avatar', size && `avatar-${size}`];
  if (!who) return el('span', { class: cls.filter(Boolean).join(' '), text: '?' });
  if (who.isBot) return el('span', { class: [...cls, 'bot'].filter(Boolean).join(' '), text: 'RB', title: who.displayName });
  if (who.isGroup) return el('span', { class: [...cls, 'group'].filter(Boolean).join(' '), text: initials(who.displayName) });
  return el('span', {
    class: cls.filter(Boolean).join(' '),
    style: `--c: ${COLORS[who.key] || '#6b7380'}`,
    text: initials(who.displayName),
    title: who.displayName,
  });
}

export function clockTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

let toastTimer;
export function toast(message, kind = '') {
  const node = document.getElementById('toast');
  node.textContent = message;
  node.className = `toast ${kind}`;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), kind === 'error' ? 6000 : 2500);
}

/** A sentence that stays until it no longer applies (the sandbox stopped, or restarted). */
export function notice(message) {
  const node = document.getElementById('notice');
  node.textContent = message;
  node.hidden = !message;
}
