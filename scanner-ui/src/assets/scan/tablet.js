// What the scanner keeps in localStorage, and nothing else: the enrolled device
// ({deviceId, secret, venueId, venueName, label}; the secret never leaves this tablet except as the
// Bearer token), the direction being recorded, and today's count of accepted scans.
import { localDay, storageGet, storageSet } from '../common.js';

const KEY_DEVICE = 'entrylog.device';
const KEY_DIRECTION = 'entrylog.scan.direction';
const KEY_TODAY = 'entrylog.scan.today';

/** The tablet's state, read once from localStorage and written through on every change. */
export function loadTablet() {
  let device = storageGet(KEY_DEVICE);
  let direction = storageGet(KEY_DIRECTION) === 'out' ? 'out' : 'in';

  const todaySaved = () => {
    const saved = storageGet(KEY_TODAY);
    return saved && saved.day === localDay() ? Number(saved.count) || 0 : 0;
  };

  return {
    /** The enrolled device, or null. */
    get device() {
      return device;
    },
    /** 'in' or 'out'. */
    get direction() {
      return direction;
    },
    /** Keeps a new enrollment; false when localStorage refused it (it is still used until reload). */
    enroll(d) {
      device = d;
      return storageSet(KEY_DEVICE, device);
    },
    forget() {
      device = null;
      storageSet(KEY_DEVICE, null);
      storageSet(KEY_TODAY, null);
    },
    setDirection(value) {
      direction = value === 'out' ? 'out' : 'in';
      storageSet(KEY_DIRECTION, direction);
      return direction;
    },
    /** Accepted scans today (local day); a new day starts at 0. */
    today: todaySaved,
    /** Counts one more accepted scan today; returns the new count. */
    countOne() {
      const n = todaySaved() + 1;
      storageSet(KEY_TODAY, { day: localDay(), count: n });
      return n;
    },
  };
}
