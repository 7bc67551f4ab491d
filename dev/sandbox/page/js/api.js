// The page's calls to its server: the sandbox description, and the emulator's control API
// proxied under /api (POST /api/say, POST /api/click, GET /api/rooms/:id/messages, …).

/** What the page says when its server does not answer at all (the browser only says "Failed to fetch"). */
export const STOPPED = 'The sandbox has stopped: run npm start again, and this page reconnects by itself.';

async function request(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    const err = new Error(STOPPED);
    err.stopped = true;
    throw err;
  }
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const message = (data && data.message) || `${method} ${path} failed with ${res.status}`;
    throw new Error(message);
  }
  return data;
}

/** Lists come back as arrays or as `{items: [...]}`. */
function items(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

export const api = {
  sandbox: () => request('GET', '/api/sandbox'),
  /** The zone the bot shows this person's times in: `{ zone, source }`. */
  zone: (personId) => request('GET', `/api/zone?person=${encodeURIComponent(personId)}`),
  messages: async (roomId) => items(await request('GET', `/api/rooms/${encodeURIComponent(roomId)}/messages`)),
  calls: async (since) => items(await request('GET', `/api/calls?since=${since}`)),
  say: (as, roomId, text, mentionBot) => request('POST', '/api/say', { as, roomId, text, mentionBot }),
  click: (as, messageId, inputs) => request('POST', '/api/click', { as, messageId, inputs }),
  /** A call recording appears now for `owner` (email) and their recording webhooks fire. */
  newRecording: (owner, call) => request('POST', '/api/recordings/new', { owner, ...(call ? { call } : {}) }),
  /** Server-sent events of the emulator: 'call' and 'message'. */
  events: () => new EventSource('/api/events'),
};
