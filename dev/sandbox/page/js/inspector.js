// The inspector: every Webex API call the emulator answered (method, path, status, time,
// caller), live. Calls made with a person's token are the bot acting for that person. In
// websocket mode it also shows the bot's Mercury socket opening and closing, and the frames the
// emulator sends down it (rows marked WS; pongs left out).
import { avatar, el } from './util.js';

const MAX_ROWS = 600;

/**
 * Webex IDs are long base64 strings (`ciscospark://us/MESSAGE/<uuid>`); in the list they are
 * shortened to their kind and the start of their UUID. The full path is in the row's details.
 */
function shortenIds(text) {
  return text.replace(/Y2lzY29zcGFyazovL[A-Za-z0-9+/_-]+=*/g, (id) => {
    try {
      const [, kind, uuid] = /^ciscospark:\/\/[a-z0-9]+\/([A-Z_]+)\/(.+)$/.exec(atob(id.replace(/-/g, '+').replace(/_/g, '/')));
      return `‹${kind.toLowerCase().replace('_', ' ')} ${uuid.slice(0, 4)}›`;
    } catch {
      return `${id.slice(0, 8)}…`;
    }
  });
}

/** Who made a call, shortly for the list and in a sentence for the details. */
function callerLabel(call, who) {
  const first = who ? who.displayName.split(' ')[0] : 'someone';
  if (call.caller.kind === 'bot') return { short: who ? who.displayName : 'bot', detail: "the bot, with its bot token" };
  if (call.caller.kind === 'person') {
    // The bot never reads files back; this page does, as the person's Webex client.
    if (call.path.startsWith('/v1/contents/')) return { short: `${first} · app`, detail: `${first}'s Webex client (this page opening a file)` };
    return { short: first, detail: `the bot, with ${first}'s own token` };
  }
  if (call.path.startsWith('/v1/access_token')) return { short: 'RecBot · OAuth', detail: 'the bot exchanging a sign-in code or refreshing a token (client credentials, no bearer token)' };
  return { short: 'browser', detail: 'a browser tab: the consent page or a download link (no token)' };
}

export class Inspector {
  /** @param {{ root: HTMLElement, callerOf(call): object|null, onlyRecordings: HTMLInputElement, clear: HTMLButtonElement }} options */
  constructor({ root, callerOf, onlyRecordings, clear }) {
    this.root = root;
    this.callerOf = callerOf;
    this.onlyRecordings = onlyRecordings;
    this.lastSeq = 0;
    this.count = 0;
    onlyRecordings.addEventListener('change', () => this.applyFilter());
    clear.addEventListener('click', () => {
      this.root.replaceChildren();
      this.count = 0;
      this.showEmpty();
    });
    this.showEmpty();
  }

  showEmpty() {
    if (this.count === 0) this.root.replaceChildren(el('div', { class: 'calls-empty', text: 'No calls yet. Say something to the bot.' }));
  }

  isRecordingCall(call) {
    return /convergedRecordings|\/downloads\//.test(call.path);
  }

  applyFilter() {
    for (const row of this.root.querySelectorAll('.call')) row.hidden = this.onlyRecordings.checked && row.dataset.recording !== '1';
  }

  add(call, fresh = true) {
    if (call.seq <= this.lastSeq) return;
    this.lastSeq = call.seq;
    // The browser asking the consent page's origin for an icon is not a Webex API call.
    if (call.path === '/favicon.ico') return;
    if (this.count === 0) this.root.replaceChildren();
    this.count += 1;
    const stickToBottom = this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 40;
    const row = this.row(call);
    if (fresh) row.classList.add('fresh');
    row.hidden = this.onlyRecordings.checked && !this.isRecordingCall(call);
    this.root.append(row);
    while (this.root.children.length > MAX_ROWS) this.root.firstElementChild.remove();
    if (stickToBottom) this.root.scrollTop = this.root.scrollHeight;
  }

  /** A Mercury socket event (`socket`: opened, authorised or closed) or frame (`frame`) from the emulator. */
  addSocketEvent(kind, record) {
    if (kind === 'frame' && record.eventType === 'pong') return;
    if (kind === 'socket' && !record.authorizedAt && !record.closedAt) return;
    if (this.count === 0) this.root.replaceChildren();
    this.count += 1;
    const stickToBottom = this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 40;
    const who = this.callerOf({ caller: { personId: record.personId } });
    let text;
    let code;
    let detail;
    if (kind === 'frame') {
      // `↓ post ‹1a2b›`: an activity frame by its verb and the start of its ID.
      const what = record.verb ?? record.eventType.replace(/^mercury\./, '');
      text = `↓ ${what}${record.activityId ? ` ‹${record.activityId.slice(0, 4)}›` : ''}${record.replayed ? ' (replayed)' : ''}`;
      code = `#${record.sequenceNumber}`;
      detail = `${record.eventType} frame ${record.id} on socket ${record.socketId}, sequence number ${record.sequenceNumber}`;
    } else if (record.closedAt) {
      text = `socket ${record.socketId} closed${record.closedBy ? ` by the ${record.closedBy === 'server' ? 'emulator' : 'bot'}` : ''}${record.closeReason ? `: ${record.closeReason}` : ''}`;
      code = String(record.closeCode ?? '');
      detail = `device ${record.deviceId}`;
    } else {
      text = `socket ${record.socketId} open`;
      code = '101';
      detail = `device ${record.deviceId}`;
    }
    const row = el(
      'div',
      { class: 'call-row', title: detail },
      el('span', { class: 'method WS', text: 'WS' }),
      el('span', { class: 'path', text }),
      el('span', { class: `code ${kind === 'socket' && record.closedAt ? 's4' : 's2'}`, text: code }),
      el('span', { class: 'ms', text: '' }),
      el('span', { class: 'caller' }, who ? avatar(who) : null, el('span', { class: 'caller-name', text: who ? who.displayName : 'bot' })),
    );
    const item = el('div', { class: 'call fresh', 'data-testid': 'socket-event', 'data-kind': kind }, row);
    item.hidden = this.onlyRecordings.checked;
    this.root.append(item);
    while (this.root.children.length > MAX_ROWS) this.root.firstElementChild.remove();
    if (stickToBottom) this.root.scrollTop = this.root.scrollHeight;
  }

  row(call) {
    const [path, query] = call.path.split('?', 2);
    const statusClass = `s${String(call.status)[0]}`;
    const who = this.callerOf(call);
    const label = callerLabel(call, who);
    const detail = el(
      'div',
      { class: 'call-detail', hidden: true },
      el('div', {}, el('b', { text: 'at ' }), new Date(call.at).toLocaleTimeString()),
      el('div', {}, el('b', { text: 'path ' }), call.path),
      el('div', {}, el('b', { text: 'TrackingID ' }), call.trackingId),
      el('div', {}, el('b', { text: 'caller ' }), label.detail),
      call.requestBody ? el('div', {}, el('b', { text: 'request body' }), el('pre', { class: 'call-body', 'data-testid': 'call-request-body', text: call.requestBody })) : null,
      call.responseBody ? el('div', {}, el('b', { text: 'response body' }), el('pre', { class: 'call-body', 'data-testid': 'call-response-body', text: call.responseBody })) : null,
    );
    const row = el(
      'div',
      { class: 'call-row', title: call.path },
      el('span', { class: `method ${call.method}`, text: call.method }),
      el('span', { class: 'path' }, shortenIds(path), query ? el('span', { class: 'q', text: `?${shortenIds(query)}` }) : null),
      el('span', { class: `code ${statusClass}`, text: call.status === 0 ? 'drop' : String(call.status) }),
      el('span', { class: 'ms', text: call.durationMs < 10 ? call.durationMs.toFixed(1) : String(Math.round(call.durationMs)) }),
      el('span', { class: 'caller', title: label.detail }, who ? avatar(who) : null, el('span', { class: 'caller-name', text: label.short })),
    );
    row.addEventListener('click', () => (detail.hidden = !detail.hidden));
    return el('div', { class: 'call', 'data-testid': 'call', 'data-recording': this.isRecordingCall(call) ? '1' : '0', 'data-status': String(call.status), 'data-tracking-id': call.trackingId || '' }, row, detail);
  }
}
