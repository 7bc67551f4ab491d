// The conversation of one space: messages in order, threaded replies under their parent,
// markdown and mentions, files, and cards. Nodes are kept per message ID, so that a card's
// state (an open "More details", typed inputs) survives new messages arriving.
import { renderCard, markdown } from './cards.js';
import { avatar, clockTime, el, escapeHtml } from './util.js';

const MENTION = /<@(?:personId|personEmail):([^|>]+)(?:\|([^>]*))?>|<@all(?:\|([^>]*))?>/g;

/** Webex markdown with `<@personEmail:…|Name>` mentions shown as chips. */
function markdownHtml(text, nameOf) {
  const mentions = [];
  const prepared = text.replace(MENTION, (_whole, key, name, allName) => {
    mentions.push(key === undefined ? allName || 'All' : name || nameOf(key) || key);
    return `\uE000${mentions.length - 1}\uE001`;
  });
  return markdown.render(prepared).replace(/\uE000(\d+)\uE001/g, (_m, i) => `<span class="mention">@${escapeHtml(mentions[Number(i)])}</span>`);
}

export class Conversation {
  /**
   * @param {HTMLElement} root
   * @param {{ who(message): object, me(): object, bot: object, nameOf(key): string|undefined,
   *           onOpenUrl(url): void, onSubmit(message, data): void, fileLink(url): {href: string, meta: string} }} host
   */
  constructor(root, host) {
    this.root = root;
    this.host = host;
    this.nodes = new Map();
    this.roomKey = '';
    // Follow new messages while the reader is at the end; stay put once they scroll up.
    this.pinned = true;
    root.addEventListener('scroll', () => {
      this.pinned = root.scrollHeight - root.scrollTop - root.clientHeight < 80;
    });
  }

  /** Shows `messages` (oldest first) of the space `roomKey`; keeps nodes when the space is the same. */
  show(roomKey, messages, empty) {
    if (roomKey !== this.roomKey) {
      this.roomKey = roomKey;
      this.nodes.clear();
      this.count = 0;
      this.root.replaceChildren();
    }
    const before = this.count;
    this.count = messages.length;
    if (messages.length === 0) {
      this.nodes.clear();
      this.root.replaceChildren(empty);
      return;
    }
    const known = new Set(messages.map((m) => m.id));
    const tops = messages.filter((m) => !m.parentId || !known.has(m.parentId));
    const replies = new Map();
    for (const m of messages) {
      if (m.parentId && known.has(m.parentId)) {
        if (!replies.has(m.parentId)) replies.set(m.parentId, []);
        replies.get(m.parentId).push(m);
      }
    }
    const wanted = [];
    for (const top of tops) {
      const group = this.groupNode(top);
      const thread = group.querySelector(':scope > .thread');
      const threadReplies = replies.get(top.id) || [];
      thread.hidden = threadReplies.length === 0;
      const children = threadReplies.map((r) => this.messageNode(r));
      if (children.length !== thread.children.length || children.some((c, i) => thread.children[i] !== c)) thread.replaceChildren(...children);
      wanted.push(group);
    }
    for (const key of [...this.nodes.keys()]) if (!known.has(key.replace(/^group:/, ''))) this.nodes.delete(key);
    if (wanted.length !== this.root.children.length || wanted.some((n, i) => this.root.children[i] !== n)) this.root.replaceChildren(...wanted);
    const mine = messages[messages.length - 1]?.personId === this.host.me().id;
    if (this.pinned || mine || !before) this.scrollToEnd();
  }

  scrollToEnd() {
    this.pinned = true;
    this.root.scrollTop = this.root.scrollHeight;
    requestAnimationFrame(() => (this.root.scrollTop = this.root.scrollHeight));
  }

  groupNode(message) {
    const key = `group:${message.id}`;
    if (!this.nodes.has(key)) {
      this.nodes.set(key, el('div', { class: 'msg-group' }, this.messageNode(message), el('div', { class: 'thread', hidden: true })));
    }
    return this.nodes.get(key);
  }

  messageNode(message) {
    if (!this.nodes.has(message.id)) this.nodes.set(message.id, this.buildMessage(message));
    return this.nodes.get(message.id);
  }

  buildMessage(message) {
    const who = this.host.who(message);
    const mine = message.personId === this.host.me().id;
    const body = el('div', { class: 'msg-body' });
    body.append(
      el(
        'div',
        { class: 'msg-head' },
        el('span', { class: 'msg-name', text: who.displayName }),
        who.isBot ? el('span', { class: 'msg-tag', text: 'BOT' }) : null,
        el('span', { class: 'msg-time', text: clockTime(message.created), title: message.created }),
      ),
    );
    const cards = (message.attachments || []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    const text = this.textNode(message, who);
    // Webex clients show the card, not the text: the text is the fallback for notifications.
    if (text && cards.length === 0) body.append(text);
    if (message.files && message.files.length) {
      body.append(el('div', { class: 'files' }, message.files.map((url) => this.fileNode(url))));
    }
    for (const attachment of cards) {
      body.append(
        renderCard(attachment.content, {
          onOpenUrl: (url) => this.host.onOpenUrl(url),
          onSubmit: (data) => this.host.onSubmit(message, data),
        }),
      );
    }
    if (text && cards.length > 0) {
      body.append(el('details', { class: 'fallback' }, el('summary', { text: 'Fallback text (notifications, clients without cards)' }), text));
    }
    for (const attachment of cards) {
      // The card as the bot posted it, for whoever builds or debugs cards.
      body.append(el('details', { class: 'fallback' }, el('summary', { text: 'Card JSON' }), el('pre', { class: 'card-json', 'data-testid': 'card-json', text: JSON.stringify(attachment.content, null, 2) })));
    }
    if (message.warnings && message.warnings.length) {
      body.append(el('div', { class: 'msg-warn', text: `Webex clients would have trouble with this card: ${message.warnings.join('; ')}` }));
    }
    return el(
      'div',
      { class: `msg${mine ? ' mine' : ''}${who.isBot ? ' from-bot' : ''}`, 'data-testid': who.isBot ? 'bot-message' : 'user-message', 'data-message-id': message.id },
      avatar(who),
      body,
    );
  }

  textNode(message, who) {
    if (message.markdown) {
      const node = el('div', { class: 'msg-text' });
      node.innerHTML = markdownHtml(message.markdown, this.host.nameOf);
      return node;
    }
    if (!message.text) return null;
    const node = el('div', { class: 'msg-text' });
    const bot = this.host.bot;
    let text = message.text;
    if ((message.mentionedPeople || []).includes(bot.id) && text.startsWith(bot.displayName)) {
      node.append(el('span', { class: 'mention', text: `@${bot.displayName}` }));
      text = text.slice(bot.displayName.length);
    }
    node.append(document.createTextNode(text));
    if (who.isBot) node.classList.add('plain');
    return node;
  }

  fileNode(url) {
    const { href, meta } = this.host.fileLink(url);
    const link = el('a', { class: 'file', href, target: '_blank', rel: 'noopener', text: 'Attachment' });
    fetch(meta)
      .then((res) => (res.ok ? res.json() : null))
      .then((info) => {
        if (info && info.filename) link.textContent = `${info.filename} · ${info.size}`;
      })
      .catch(() => undefined);
    return link;
  }
}
