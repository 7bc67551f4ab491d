/** /v1/webhooks: each token sees and changes only its own webhooks. */
import { Router } from 'express';
import type { Webhook } from '../../../../src/webex/types';
import { callerOf } from '../auth';
import { ApiError } from '../errors';
import { webexId } from '../ids';
import { paginate } from '../paging';
import { SCOPE_ADMIN, SCOPE_COMPLIANCE, SCOPE_USER } from '../recordings';
import type { EmulatorState, WebhookRecord } from '../state';

const RESOURCES = new Set([
  'all', 'attachmentActions', 'memberships', 'messages', 'rooms', 'meetings', 'recordings', 'convergedRecordings',
  'meetingParticipants', 'meetingTranscripts', 'telephony_calls', 'telephony_conference', 'telephony_mwi',
  'uc_counters', 'serviceApp', 'adminBatchJobs', 'dataSources',
]);
const EVENTS = new Set([
  'all', 'created', 'updated', 'deleted', 'started', 'ended', 'joined', 'left', 'migrated', 'authorized',
  'deauthorized', 'statusChanged',
]);

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw new ApiError(400, `${name} is required.`);
  return value;
}

function checkTargetUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError(400, 'targetUrl must be a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError(400, 'targetUrl must be an http(s) URL.');
}

/**
 * Creating a webhook needs the read scope of its resource. For `convergedRecordings` that is a
 * recordings scope, which bot tokens never have; `ownedBy: org` needs admin or compliance.
 */
function checkRecordingsWebhook(caller: { kind: string; scopes: string[] }, ownedBy: string): void {
  if (caller.kind === 'bot') throw new ApiError(403, 'Bots cannot create convergedRecordings webhooks: they need a recordings scope.');
  const orgScope = caller.scopes.includes(SCOPE_ADMIN) || caller.scopes.includes(SCOPE_COMPLIANCE);
  if (!orgScope && !caller.scopes.includes(SCOPE_USER)) {
    throw new ApiError(403, 'Creating a convergedRecordings webhook needs the spark:recordings_read scope.');
  }
  if (ownedBy === 'org' && !orgScope) throw new ApiError(403, 'Org-wide convergedRecordings webhooks need admin or compliance access.');
}

/** The webhook as the REST API returns it; orgId, createdBy and appId only travel in event envelopes. */
function view(record: WebhookRecord): Webhook {
  const { orgId: _orgId, createdBy: _createdBy, appId: _appId, ...webhook } = record.webhook;
  return webhook;
}

export function webhooksRouter(state: EmulatorState): Router {
  const router = Router();

  const own = (id: string, personId: string): WebhookRecord => {
    const record = state.webhooks.get(id);
    if (!record || record.ownerId !== personId) throw new ApiError(404, 'Webhook not found.');
    return record;
  };

  router.get('/webhooks', (req, res) => {
    const caller = callerOf(res);
    const mine = [...state.webhooks.values()].filter((w) => w.ownerId === caller.personId).map(view);
    res.json({ items: paginate(mine, req, res, state, { defaultMax: 100, limit: 100 }) });
  });

  router.post('/webhooks', (req, res) => {
    const caller = callerOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = requireString(body, 'name');
    const targetUrl = requireString(body, 'targetUrl');
    checkTargetUrl(targetUrl);
    const resource = requireString(body, 'resource');
    const event = requireString(body, 'event');
    if (!RESOURCES.has(resource)) throw new ApiError(400, `Unknown resource: ${resource}`);
    if (!EVENTS.has(event)) throw new ApiError(400, `Unknown event: ${event}`);
    const filter = typeof body.filter === 'string' && body.filter ? body.filter : undefined;
    const secret = typeof body.secret === 'string' && body.secret ? body.secret : undefined;
    const ownedBy = body.ownedBy === 'org' ? 'org' : 'creator';
    if (resource === 'convergedRecordings') checkRecordingsWebhook(caller, ownedBy);
    else if (ownedBy === 'org') throw new ApiError(400, `ownedBy org is not supported for ${resource} in this emulator.`);
    const webhook: WebhookRecord['webhook'] = {
      id: webexId('WEBHOOK'),
      name,
      targetUrl,
      resource,
      event,
      ...(filter ? { filter } : {}),
      ...(secret ? { secret } : {}),
      status: 'active',
      created: state.iso(),
      orgId: state.orgId,
      createdBy: caller.personId,
      appId: state.appId,
      ownedBy,
    };
    const record: WebhookRecord = { webhook, ownerId: caller.personId, failures: [] };
    state.webhooks.set(webhook.id, record);
    res.json(view(record));
  });

  router.get('/webhooks/:id', (req, res) => {
    res.json(view(own(String(req.params.id), callerOf(res).personId)));
  });

  router.put('/webhooks/:id', (req, res) => {
    const record = own(String(req.params.id), callerOf(res).personId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = requireString(body, 'name');
    const targetUrl = requireString(body, 'targetUrl');
    checkTargetUrl(targetUrl);
    const hook = record.webhook;
    hook.name = name;
    hook.targetUrl = targetUrl;
    if (typeof body.secret === 'string') {
      if (body.secret) hook.secret = body.secret;
      else delete hook.secret;
    }
    if (body.status === 'active' || body.status === 'inactive') {
      hook.status = body.status;
      if (body.status === 'active') record.failures = [];
    }
    res.json(view(record));
  });

  router.delete('/webhooks/:id', (req, res) => {
    const record = own(String(req.params.id), callerOf(res).personId);
    state.webhooks.delete(record.webhook.id);
    res.status(204).end();
  });

  return router;
}
