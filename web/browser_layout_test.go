package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// overlapJS lists pairs of visible elements whose boxes overlap, neither
// inside the other: text over text, a button over a field.
const overlapJS = `(() => {
  const sel = 'a, button, input, select, textarea, label, .tag, h1, h2, h3, th, summary, dt, dd, .count, .n';
  const boxes = [];
  for (const e of document.querySelectorAll(sel)) {
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || e.closest('.sr-only, .skip, [hidden]')) continue;
    const shut = e.closest('details:not([open])');
    if (shut && !shut.querySelector(':scope > summary').contains(e)) continue;
    for (const r of e.getClientRects()) if (r.width > 1 && r.height > 1) boxes.push([e, r]);
  }
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' "' + (e.innerText || e.value || '').trim().slice(0, 20) + '"';
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, r] = boxes[i], [b, q] = boxes[j];
    if (a === b || a.contains(b) || b.contains(a)) continue;
    const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
    const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
    if (w > 2 && h > 2) out.push(name(a) + ' × ' + name(b));
    if (out.length >= 10) return out;
  }
  return out;
})()`

// hscrollJS reports how far the page is wider than the window.
const hscrollJS = `document.documentElement.scrollWidth - document.documentElement.clientWidth`

// shoot takes screenshots of the current page at 1280 and 375 px into dir,
// and fails the test on a horizontal scrollbar at 375 px or overlapping
// elements at either width.
func (p *person) shoot(dir, name string) {
	p.t.Helper()
	began := time.Now()
	for _, width := range []int64{1280, 375} {
		p.do("viewport", chromedp.EmulateViewport(width, 800),
			chromedp.Sleep(150)) // let the layout and the chart settle
		extra := eval[int](p, hscrollJS)
		over := eval[[]string](p, overlapJS)
		png := get(p, "screenshot "+name, chromedp.FullScreenshot(100))
		file := filepath.Join(dir, name+"-"+itoa(width)+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.t.Fatal(err)
		}
		if width == 375 && extra > 0 {
			p.t.Errorf("%s at 375 px scrolls sideways by %d px (%s)", name, extra, file)
		}
		if len(over) > 0 {
			p.t.Errorf("%s at %d px has overlapping elements (%s):\n  %s", name, width, file, strings.Join(over, "\n  "))
		}
	}
	p.do("reset viewport", chromedp.EmulateViewport(1280, 900))
	if testing.Verbose() {
		p.t.Logf("screenshots of %s took %v", name, time.Since(began).Round(time.Millisecond))
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
