// The fixtures panel: every recording of the sandbox with its ID and what it shows.
import { el } from './util.js';

const GROUPS = [
  { key: 'states', title: 'Card states', open: true },
  { key: 'errors', title: 'Webex errors', open: true },
  { key: 'history', title: 'Recent history', open: false },
];

/** ArrowUp/ArrowDown (and Home/End) move the focus, and the group's one Tab stop, between its recordings. */
function moveWithin(details, e) {
  const step = { ArrowDown: 1, ArrowUp: -1 }[e.key];
  const buttons = [...details.querySelectorAll('button.fx')];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0 || (step === undefined && e.key !== 'Home' && e.key !== 'End')) return;
  e.preventDefault();
  const next = e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : Math.min(buttons.length - 1, Math.max(0, at + step));
  buttons.forEach((b, i) => b.setAttribute('tabindex', i === next ? '0' : '-1'));
  buttons[next].focus();
}

/** Renders the list; `onPick(recording)` when one is clicked. */
export function renderFixtures(root, recordings, people, onPick) {
  const nameOf = (key) => (people.find((p) => p.key === key)?.displayName || key).split(' ')[0];
  root.replaceChildren(
    ...GROUPS.map((group) => {
      const items = recordings.filter((r) => r.group === group.key);
      const details = el('details', { class: 'fx-group', open: group.open }, el('summary', {}, el('span', { text: group.title }), el('span', { text: String(items.length) })));
      items.forEach((r, index) => {
        const code = /^(\d{3})\b/.exec(r.label);
        details.append(
          el(
            'button',
            // One Tab stop per group (the first recording); the arrow keys move within it.
            { type: 'button', class: 'fx', tabindex: index === 0 ? '0' : '-1', title: `Send "recording ${r.id}"`, 'data-testid': 'fixture', 'data-recording-id': r.id, onclick: () => onPick(r) },
            el('div', { class: 'fx-label' }, code ? el('span', { class: `fx-code e${code[1][0]}`, text: code[1] }) : null, el('span', { text: code ? r.label.slice(4) : r.label })),
            el('div', { class: 'fx-id', text: r.id }),
            group.key === 'history' ? null : el('div', { class: 'fx-desc', text: r.description }),
            el('div', { class: 'fx-try', text: `${group.key === 'history' ? r.description + ' ' : ''}Try as ${r.tryAs.map(nameOf).join(', ')}` }),
          ),
        );
      });
      details.addEventListener('keydown', (e) => moveWithin(details, e));
      return details;
    }),
  );
}
