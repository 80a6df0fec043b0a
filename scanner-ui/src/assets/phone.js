// A phone number as a person reads it back, before it is sealed for good: the server takes any
// E.164-valid number, so "010-1111-222" (a digit short) would be registered without a second
// look (issue 13, item 6). Numbers without a country code, or with +82, are shown the Korean
// way (docs/design.md §3: ENTRYLOG_DEFAULT_COUNTRY defaults to KR); others as typed.

/** {shown, short}: the number grouped for reading, and whether it looks too short to be real. */
export function readBack(input) {
  const typed = String(input ?? '').trim();
  const digits = typed.replace(/\D/g, '');
  let national = null;
  if (typed.startsWith('+')) {
    if (digits.startsWith('82')) national = digits.slice(2).startsWith('0') ? digits.slice(2) : `0${digits.slice(2)}`;
  } else if (digits.startsWith('0')) {
    national = digits;
  }
  if (national === null) {
    return { shown: typed.replace(/\s+/g, ' '), short: digits.length < 8 };
  }
  return { shown: group(national), short: national.length < minimumLength(national) };
}

// Korean numbers: Seoul 02 has 9–10 digits, 010 mobiles 11, other mobiles and area codes 10–11.
function minimumLength(n) {
  if (n.startsWith('02')) return 9;
  if (n.startsWith('010')) return 11;
  return 10;
}

// 02-XXX(X)-XXXX; 010-XXXX-… (the rest as typed, so a missing digit shows); 0XX-XXX(X)-XXXX.
function group(n) {
  const area = n.startsWith('02') ? 2 : 3;
  const rest = n.slice(area);
  if (n.startsWith('010') || rest.length < 7) {
    return [n.slice(0, area), rest.slice(0, 4), rest.slice(4)].filter(Boolean).join('-');
  }
  const mid = rest.length - 4;
  return [n.slice(0, area), rest.slice(0, mid), rest.slice(mid)].join('-');
}
