// Occupancy as the venue owner page and the scanner show it: "inside 37 / 50", and at or over the
// capacity a warning carried by an icon and a word, never by colour alone.
import { t } from './i18n.js';
import { el, fmtCount } from './common.js';

/** True when a capacity is set and the count has reached it. */
export function atCapacity(inside, capacity) {
  return typeof capacity === 'number' && capacity > 0 && inside >= capacity;
}

/** "37 / 50", or "37" without a capacity. */
export function occupancyText(inside, capacity) {
  return typeof capacity === 'number' ? `${fmtCount(inside)} / ${fmtCount(capacity)}` : fmtCount(inside);
}

/** The warning shown at capacity: the icon (described by the word beside it) and the word. */
export function capacityWarning() {
  return el('span', { class: 'capacity-warning' },
    el('img', { src: '/assets/icons/full.svg', alt: '', width: 20, height: 20 }),
    el('span', { text: t('occupancy.full') }));
}
