// The sandbox page: pick who you are and where, talk to the bot, click its cards, and watch
// the Webex API calls it makes. State lives in the URL hash (#as=owner&in=direct).
import { api, STOPPED } from './api.js';
import { Conversation } from './conversation.js';
import { renderFixtures } from './fixtures.js';
import { Inspector } from './inspector.js';
import { avatar, el, notice, toast } from './util.js';

const $ = (id) => document.getElementById(id);
const QUICK_COMMANDS = ['help', 'connect', 'whoami', 'recordings', 'timezone', 'notify on', 'disconnect'];

let info;
let conversation;
let inspector;
const state = { as: 'owner', in: 'direct' };
/** Unread bot messages per room ID, for spaces not on screen. */
const unread = new Map();
let messages = [];

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (info.people.some((p) => p.key === params.get('as'))) state.as = params.get('as');
  if (['direct', 'group'].includes(params.get('in'))) state.in = params.get('in');
}

function writeHash() {
  history.replaceState(null, '', `#as=${state.as}&in=${state.in}`);
}

const me = () => info.people.find((p) => p.key === state.as);
const roomId = () => (state.in === 'group' ? info.group.id : me().directRoomId);

function personById(id) {
  if (id === info.bot.id) return { ...info.bot, isBot: true };
  return info.people.find((p) => p.id === id) || null;
}

function who(message) {
  return personById(message.personId) || { displayName: message.personEmail || 'Someone' };
}

function nameOf(key) {
  const person = info.people.find((p) => p.id === key || p.email === key);
  if (person) return person.displayName;
  if (key === info.bot.id || key === info.bot.email) return info.bot.displayName;
  return undefined;
}

// ---- pickers ---------------------------------------------------------------------------------

function renderPeople() {
  $('people').replaceChildren(
    ...info.people.map((p) => {
      const count = unread.get(p.directRoomId) || 0;
      return el(
        'button',
        { type: 'button', class: 'pick', role: 'radio', 'aria-checked': String(p.key === state.as), tabindex: p.key === state.as ? '0' : '-1', 'data-key': p.key, 'data-testid': `as-${p.key}`, onclick: () => switchTo({ as: p.key }) },
        avatar(p),
        el('div', { class: 'pick-main' }, el('div', { class: 'pick-name' }, p.displayName, el('span', { class: `role ${p.role}`, text: p.role === 'user' ? p.key : p.role })), el('div', { class: 'pick-sub', text: p.access, title: p.access })),
        count && p.key !== state.as ? el('span', { class: 'badge', title: 'new messages in their 1:1 space', text: String(count) }) : null,
      );
    }),
  );
}

function renderSpaces() {
  const person = me();
  const spaces = [
    { key: 'direct', title: info.bot.displayName, sub: `1:1 with the bot`, room: person.directRoomId, icon: avatar({ ...info.bot, isBot: true }) },
    { key: 'group', title: info.group.title, sub: `group space · @mention ${info.bot.displayName}`, room: info.group.id, icon: avatar({ displayName: info.group.title, isGroup: true }) },
  ];
  $('spaces').replaceChildren(
    ...spaces.map((s) => {
      const count = s.key === state.in ? 0 : unread.get(s.room) || 0;
      return el(
        'button',
        { type: 'button', class: 'pick', role: 'radio', 'aria-checked': String(s.key === state.in), tabindex: s.key === state.in ? '0' : '-1', 'data-key': s.key, 'data-testid': `in-${s.key}`, onclick: () => switchTo({ in: s.key }) },
        s.icon,
        el('div', { class: 'pick-main' }, el('div', { class: 'pick-name', text: s.title }), el('div', { class: 'pick-sub', text: s.sub })),
        count ? el('span', { class: 'badge', 'data-testid': `unread-${s.key}`, text: String(count) }) : null,
      );
    }),
  );
}

/**
 * Arrow keys move the choice within a radio group (and Home/End to its ends), as in any radio
 * group; only the chosen button is in the Tab order, so Tab goes on to the next group.
 */
function arrowKeys(container, field) {
  container.addEventListener('keydown', (e) => {
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key];
    const radios = [...container.querySelectorAll('[role=radio]')];
    const at = radios.indexOf(document.activeElement);
    if (at < 0 || (step === undefined && e.key !== 'Home' && e.key !== 'End')) return;
    e.preventDefault();
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? radios.length - 1 : (at + step + radios.length) % radios.length;
    const key = radios[next].dataset.key;
    switchTo({ [field]: key }, { focus: false });
    container.querySelector(`[data-key="${key}"]`)?.focus();
  });
}

/** The zone the header shows: the bot's own setting or the Webex profile's zone it read. */
const zones = new Map();
function zoneShown(person) {
  const known = zones.get(person.id);
  return known && (known.source === 'override' || known.source === 'profile') ? known.zone : person.timezone;
}

async function refreshZone() {
  const person = me();
  const zone = await api.zone(person.id).catch(() => null);
  if (!zone) return;
  zones.set(person.id, zone);
  if (me().id === person.id) renderHeader();
}

function renderHeader() {
  const person = me();
  const group = state.in === 'group';
  $('chat-avatar').replaceWith(Object.assign(group ? avatar({ displayName: info.group.title, isGroup: true }, 'lg') : avatar({ ...info.bot, isBot: true }, 'lg'), { id: 'chat-avatar' }));
  $('chat-title').textContent = group ? info.group.title : info.bot.displayName;
  $('chat-sub').textContent = group
    ? `${info.people.map((p) => p.displayName.split(' ')[0]).join(', ')} and ${info.bot.displayName}`
    : `Bot · ${info.bot.email} · your 1:1 space`;
  $('chat-as').replaceChildren('You are', avatar(person, 'sm'), el('strong', { text: person.displayName }), el('span', { 'data-testid': 'chat-zone', title: 'the time zone the bot shows your times in', text: `· ${zoneShown(person)}` }));
  $('mention-chip').hidden = !group;
  $('mention-chip').textContent = `@${info.bot.displayName}`;
  $('input').placeholder = group ? `Write to ${info.group.title}` : `Message ${info.bot.displayName}`;
  $('composer-note').textContent = group
    ? `In a group space Webex only gives the bot messages that @mention it, so yours start with @${info.bot.displayName}.`
    : 'Enter sends · Shift+Enter adds a line · or click a recording in the Recordings list';
}

function emptyState() {
  const group = state.in === 'group';
  return el(
    'div',
    { class: 'empty' },
    avatar({ ...info.bot, isBot: true }, 'lg'),
    el('h3', { text: group ? `${info.group.title}: nothing yet` : `Say hi to ${info.bot.displayName}` }),
    el('p', {}, 'Ask for a recording with ', el('code', { text: 'recording <id>' }), ' (or click one in the Recordings list), or type ', el('code', { text: 'help' }), '.'),
    el('p', { text: group ? 'Cards in a group space carry no download links: people ask for them by direct message.' : 'The first time, the bot asks you to sign in with Webex: the emulator\u2019s consent page opens in a new tab.' }),
  );
}

// ---- conversation ----------------------------------------------------------------------------

async function loadMessages() {
  const room = roomId();
  const list = await api.messages(room);
  if (room !== roomId()) return;
  messages = list;
  conversation.show(`${state.as}:${room}`, messages, emptyState());
}

function switchTo(change, { focus = true } = {}) {
  Object.assign(state, change);
  writeHash();
  unread.delete(roomId());
  renderPeople();
  renderSpaces();
  renderHeader();
  loadMessages().catch((err) => toast(err.message, 'error'));
  refreshZone();
  if (focus) $('input').focus();
}

async function send(text) {
  const trimmed = text.trim();
  if (!trimmed) return;
  $('send').disabled = true;
  try {
    await api.say(me().id, roomId(), trimmed, state.in === 'group');
    // A fixture sent by a click leaves whatever is being typed alone.
    if ($('input').value.trim() === trimmed) $('input').value = '';
    autosize();
  } catch (err) {
    if (err.stopped) notice(err.message);
    else toast(err.message, 'error');
  } finally {
    $('send').disabled = false;
    $('input').focus();
  }
}

/** Sign-in links go to the emulator's consent page; preselect the person acting in the page. */
function openUrl(url) {
  let target = url;
  try {
    const parsed = new URL(url);
    if (/\/authorize$/.test(parsed.pathname) && !parsed.searchParams.has('login_hint')) {
      parsed.searchParams.set('login_hint', me().email);
      target = parsed.toString();
    }
  } catch {
    // Not a URL the page understands: open it as it is.
  }
  window.open(target, '_blank', 'noopener');
}

async function submit(message, data) {
  const person = me();
  try {
    await api.click(person.id, message.id, data);
    toast(`Clicked as ${person.displayName}`);
  } catch (err) {
    toast(err.message, 'error');
  }
}

function fileLink(url) {
  const query = `as=${encodeURIComponent(me().id)}&url=${encodeURIComponent(url)}`;
  return { href: `/file?${query}`, meta: `/file/meta?${query}` };
}

// ---- live events -----------------------------------------------------------------------------

let refetchTimer;
function refetchSoon() {
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => loadMessages().catch(() => undefined), 60);
}

function onMessage(message) {
  // A `timezone` answer (by DM, also when asked in the group) may change the header's zone.
  if (message.personId === info.bot.id && (message.roomId === me().directRoomId || message.roomId === roomId())) refreshZone();
  if (message.roomId === roomId()) {
    if (!messages.some((m) => m.id === message.id)) {
      messages = [...messages, message];
      conversation.show(`${state.as}:${roomId()}`, messages, emptyState());
    }
    return;
  }
  if (message.personId !== info.bot.id) return;
  unread.set(message.roomId, (unread.get(message.roomId) || 0) + 1);
  renderPeople();
  renderSpaces();
}

function onCall(call) {
  inspector.add(call);
  // Message deletions (a refreshed card replacing the old one) arrive only as API calls.
  if (call.method === 'DELETE' && call.path.startsWith('/v1/messages/')) refetchSoon();
}

function connectEvents() {
  const status = $('status');
  const events = api.events();
  events.addEventListener('open', async () => {
    // A sandbox started again is a new emulator with new people and spaces: start the page again.
    const now = await api.sandbox().catch(() => null);
    if (now && now.run !== info.run) {
      sessionStorage.setItem('recbot-sandbox-restarted', '1');
      location.reload();
      return;
    }
    // Back: the "stopped" sentence goes (a "restarted" one stays until the next).
    if ($('notice').textContent === STOPPED) notice('');
    status.className = 'status live';
    status.querySelector('.status-text').textContent = 'live · emulator connected';
    // Catch up on whatever happened while the stream was down.
    api.calls(inspector.lastSeq).then((calls) => calls.forEach((c) => inspector.add(c, false))).catch(() => undefined);
    refetchSoon();
  });
  events.addEventListener('error', () => {
    status.className = 'status down';
    status.querySelector('.status-text').textContent = 'sandbox stopped · reconnecting…';
  });
  events.addEventListener('message', (e) => onMessage(JSON.parse(e.data)));
  events.addEventListener('call', (e) => onCall(JSON.parse(e.data)));
  events.addEventListener('frame', (e) => inspector.addSocketEvent('frame', JSON.parse(e.data)));
  events.addEventListener('socket', (e) => inspector.addSocketEvent('socket', JSON.parse(e.data)));
}

// ---- composer --------------------------------------------------------------------------------

function autosize() {
  const input = $('input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
}

function setUpComposer() {
  const input = $('input');
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    send(input.value);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(input.value);
    }
  });
  input.addEventListener('input', autosize);
  $('quick').replaceChildren(
    ...QUICK_COMMANDS.map((command) => el('button', { type: 'button', 'data-testid': `quick-${command}`, onclick: () => send(command), text: command })),
    el('button', { type: 'button', class: 'new-recording', 'data-testid': 'new-recording', title: 'A call of the person you are acting as ends and its recording appears in Webex: with "notify on" the bot sends it to them.', onclick: newCallRecording, text: 'New call recording' }),
  );
}

/** The person you act as finishes a call with a colleague: Webex has a new recording of theirs. */
async function newCallRecording() {
  const person = me();
  const other = info.people.find((p) => p.key !== person.key && p.key !== 'admin' && p.key !== 'compliance');
  try {
    const made = await api.newRecording(person.email, { direction: 'outgoing', other: { personId: other.id, number: '+1 555 0100' } });
    toast(`New recording for ${person.displayName}: "${made.topic}". With "notify on" the bot sends it to them.`);
  } catch (err) {
    toast(`Could not make a recording: ${err.message || err}`, 'error');
  }
}

async function boot() {
  info = await api.sandbox();
  if (sessionStorage.getItem('recbot-sandbox-restarted')) {
    sessionStorage.removeItem('recbot-sandbox-restarted');
    notice('The sandbox restarted: the chat and the Webex API calls start again empty (the emulator keeps nothing between runs).');
  }
  readHash();
  writeHash();
  conversation = new Conversation($('messages'), { who, me, bot: info.bot, nameOf, onOpenUrl: openUrl, onSubmit: submit, fileLink });
  inspector = new Inspector({
    root: $('calls'),
    callerOf: (call) => (call.caller.personId ? personById(call.caller.personId) : null),
    onlyRecordings: $('only-recordings'),
    clear: $('clear-calls'),
  });
  // Clicking a fixture asks the bot for it, as the person and in the space picked.
  renderFixtures($('fixtures'), info.recordings, info.people, (recording) => send(`recording ${recording.id}`));
  arrowKeys($('people'), 'as');
  arrowKeys($('spaces'), 'in');
  $('skip-link').addEventListener('click', (e) => {
    // The URL hash holds who and where: focus the composer without navigating.
    e.preventDefault();
    $('input').focus();
  });
  setUpComposer();
  // The page opens at its top (the skip link first in the Tab order), not in the composer.
  switchTo({}, { focus: false });
  for (const call of await api.calls(0)) inspector.add(call, false);
  connectEvents();
  document.body.dataset.ready = 'true';
}

boot().catch((err) => {
  document.body.prepend(el('div', { class: 'toast error', text: `The sandbox page could not start: ${err.message}` }));
});
