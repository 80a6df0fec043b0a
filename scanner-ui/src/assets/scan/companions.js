// Companions: people let in with the next visitor (children, a person in care), 0–9.
//
// Staff tap "+1" before (or while) the visitor shows the pass, card or number; the count goes
// with that one scan, in the same request, and is then cleared. Choosing it before sending keeps
// the register append-only: a scan is one row, written once with everything it records, and
// nothing is added to it afterwards. The answer overlay repeats the count that was sent.
const MAX = 9;
const $ = (id) => document.getElementById(id);

/** The companions control of this page; take() hands the count to a scan and clears it. */
export function createCompanions() {
  let count = 0;

  function render() {
    $('companions').dataset.count = String(count);
    $('companions-count').textContent = count ? `+${count}` : '';
    $('companions-clear').hidden = count === 0;
  }

  $('companions-add').addEventListener('click', () => {
    count = Math.min(MAX, count + 1);
    render();
  });
  $('companions-clear').addEventListener('click', () => {
    count = 0;
    render();
  });
  render();

  return {
    /** The count chosen for the scan being sent, which clears it. */
    take() {
      const n = count;
      count = 0;
      render();
      return n;
    },
  };
}
