/** GET /v1/authorize (consent page), POST /v1/authorize/decision, POST /v1/access_token. No bearer token needed. */
import { Router } from 'express';
import { renderConsentPage, renderErrorPage } from '../consent-page';
import type { OAuthService } from '../oauth';
import type { EmulatorState } from '../state';

function formOf(body: unknown): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string') form[key] = value;
    }
  }
  return form;
}

export function oauthRouter(state: EmulatorState, oauth: OAuthService): Router {
  const router = Router();

  router.get('/authorize', (req, res) => {
    const query = req.originalUrl.split('?')[1] ?? '';
    const outcome = oauth.authorize(new URLSearchParams(query));
    if (outcome.kind === 'page-error') {
      res.status(400).type('html').send(renderErrorPage(outcome.message));
      return;
    }
    if (outcome.kind === 'redirect') {
      res.redirect(302, outcome.url);
      return;
    }
    const people = [...state.people.values()].filter((p) => !p.isBot);
    res.type('html').send(renderConsentPage(outcome.request, people, 'authorize/decision'));
  });

  router.post('/authorize/decision', (req, res) => {
    const form = formOf(req.body);
    try {
      const url = oauth.decide(form.request ?? '', form.personId ?? '', form.decision === 'decline' ? 'decline' : 'accept');
      res.redirect(302, url);
    } catch (err) {
      res.status(400).type('html').send(renderErrorPage(err instanceof Error ? err.message : String(err)));
    }
  });

  router.post('/access_token', (req, res) => {
    const form = formOf(req.body);
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic && !form.client_id) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':', 2);
      form.client_id = decodeURIComponent(id ?? '');
      form.client_secret = decodeURIComponent(secret ?? '');
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(oauth.token(form));
  });

  return router;
}
