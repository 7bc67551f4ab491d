/** HTML of the emulator's sign-in pages: the consent page with a person picker, and the error page. */
import type { AuthRequest } from './oauth';
import type { PersonRecord } from './state';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}code{background:#f2f2f2;padding:0 .2rem}select,button{font-size:1rem;padding:.4rem .8rem;margin:.3rem .3rem .3rem 0}
.note{color:#666;font-size:.9rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function renderConsentPage(request: AuthRequest, people: PersonRecord[], decisionUrl: string): string {
  const hint = request.loginHint?.toLowerCase();
  const options = people
    .map((p) => {
      const selected = hint && (p.person.id === request.loginHint || p.uuid === hint || p.person.emails.some((e) => e.toLowerCase() === hint));
      const label = `${p.person.displayName ?? ''} <${p.person.emails[0] ?? ''}> (${p.role})`;
      return `<option value="${escapeHtml(p.person.id)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
    })
    .join('');
  const scopes = request.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Sign in with Webex (emulator)',
    `<h1>Sign in with Webex</h1>
<p>The integration <code>${escapeHtml(request.clientId)}</code> asks for access to:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(decisionUrl)}">
<input type="hidden" name="request" value="${escapeHtml(request.id)}">
<label>Sign in as <select name="personId" id="personId">${options}</select></label><br>
<button type="submit" name="decision" value="accept" id="accept">Accept</button>
<button type="submit" name="decision" value="decline" id="decline">Decline</button>
</form>
<p class="note">Local Webex emulator: no password needed. Admin and compliance scopes are granted only to people with those roles.</p>`,
  );
}

export function renderErrorPage(message: string): string {
  return page('Sign-in error (emulator)', `<h1>Sign-in error</h1><p>${escapeHtml(message)}</p>`);
}
