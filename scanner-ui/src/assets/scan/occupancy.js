// "Inside now 37 / 50" on the scanner, from GET /api/venues/{venueId}/occupancy with the tablet's
// own secret, every POLL_MS while the tablet is enrolled and the page visible; offline, or on any
// failure, it is quietly skipped and the last number stays. Each poll also carries the tablet's
// offline-queue report (queue.js reportHeaders): the light heartbeat the server keeps per tablet.
// At the capacity the staff see a warning with an icon and a word (occupancy.js), not a colour alone.
import { api, clear, show } from '../common.js';
import { reportHeaders } from '../queue.js';
import { atCapacity, capacityWarning, occupancyText } from '../occupancy.js';

const POLL_MS = 15000;

/** Starts polling for this tablet; a scan can ask for a sooner look with the returned refresh(). */
export function startOccupancy(tablet) {
  const $ = (id) => document.getElementById(id);
  let busy = false;

  async function refresh() {
    const d = tablet.device;
    if (!d || !d.secret || !d.venueId) {
      show($('occupancy-box'), false);
      return;
    }
    if (busy || !navigator.onLine || document.visibilityState !== 'visible') return;
    busy = true;
    try {
      const res = await api('GET', `/api/venues/${encodeURIComponent(d.venueId)}/occupancy`,
        { token: d.secret, timeoutMs: 8000, headers: await reportHeaders(d.secret) }); // also the queue heartbeat
      const { inside, capacity } = res.data || {};
      if (typeof inside !== 'number') return;
      $('occupancy-count').textContent = occupancyText(inside, capacity);
      const full = $('occupancy-full');
      const reached = atCapacity(inside, capacity);
      if (reached && !full.firstChild) full.append(capacityWarning());
      if (!reached) clear(full);
      $('occupancy-box').classList.toggle('full', reached);
      show($('occupancy-box'), true);
    } catch {
      // offline, a slow server, a revoked tablet: the scanner's own messages say so; nothing here
    } finally {
      busy = false;
    }
  }

  refresh();
  setInterval(refresh, POLL_MS);
  document.addEventListener('visibilitychange', refresh);
  return { refresh };
}
