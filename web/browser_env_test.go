package web_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// chromiumPath finds the browser: PARKFIN_CHROMIUM, else Debian's
// chromium on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("PARKFIN_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on the PATH (apt-get install chromium, or set PARKFIN_CHROMIUM)")
}

// MustBrowser starts one headless Chromium for the test; every person gets
// a browser context of their own in it (their own cookies).
func MustBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		testsvc.Unavailable(t, "Chromium", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("lang", "zh-CN"), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		testsvc.Unavailable(t, "Chromium", err)
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return browser
}

// person is one user in a browser context of their own.
type person struct {
	t    *testing.T
	e    *env
	name string
	ctx  context.Context
}

// MustPerson opens a fresh browser context and, unless user is empty,
// signs the demo user in through the sign-in page.
func (e *env) MustPerson(t *testing.T, browser context.Context, user string) *person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &person{t: t, e: e, name: user, ctx: ctx}
	// The first run opens the tab; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	if user != "" {
		p.do("sign in",
			chromedp.Navigate(e.srv.URL+"/signin"),
			chromedp.SetValue(chromedp.CSS("#user"), user),
			chromedp.SetValue(chromedp.CSS("#password"), "parkfin-demo"),
			chromedp.Click(chromedp.CSS("form[action='/signin'] button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("nav.sidebar")))
	}
	return p
}

// do runs the actions, failing the test with what was being done.
func (p *person) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 40*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		url, _ := chromedp.Run(p.ctx, chromedp.Location())
		p.t.Fatalf("%s: %s (at %s): %v", p.name, what, url, err)
	}
}

// get runs one action that returns a value.
func get[T any](p *person, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 40*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		url, _ := chromedp.Run(p.ctx, chromedp.Location())
		p.t.Fatalf("%s: %s (at %s): %v", p.name, what, url, err)
	}
	return v
}

// text returns the text of the first element matching the CSS selector.
func (p *person) text(sel string) string {
	p.t.Helper()
	return get(p, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// eval returns the value of a JavaScript expression on the page.
func eval[T any](p *person, expr string) T {
	p.t.Helper()
	return get(p, "evaluate "+expr, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// open navigates to a path of the application.
func (p *person) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// fire opens the form of an event on the case page, fills it and submits
// it; values map field names to what is typed.
func (p *person) fire(event string, values map[string]string) {
	p.t.Helper()
	form := fmt.Sprintf("details:has(input[name=_event][value=%s])", event)
	actions := []chromedp.Action[chromedp.Void]{chromedp.WaitReady(chromedp.CSS(form + " summary")),
		chromedp.Click(chromedp.CSS(form + " summary"))}
	for name, v := range values {
		actions = append(actions, chromedp.SetValue(chromedp.CSS(fmt.Sprintf("%s [name=%q]", form, name)), v))
	}
	// The answer is a new page: wait until the old one is gone. A
	// confirmation is answered yes.
	actions = append(actions, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"; window.__asked = ""; window.confirm = m => { window.__asked = m; return true; }`)(ctx, t)
		return err
	}), chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
		waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
	p.do("fire "+event, actions...)
}

// screenshotDir is where the screenshots of a run go: not committed.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PARKFIN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testoutput", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// waitFor waits until the JavaScript condition holds on the page, across
// navigations (a plain Poll fails when the page it polls goes away).
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			ok, err := chromedp.Evaluate[bool](cond)(ctx, t)
			if err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", cond, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// register fills the open register form (fields by their id after
// "open-") and submits it; it returns the new case's number and path.
func (p *person) register(fields map[string]string) (string, string) {
	p.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for id, v := range fields {
		if id != "enterprise-uscc" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS("#open-"+id), v))
		}
	}
	if code, ok := fields["enterprise-uscc"]; ok {
		// The credit code is typed, and checked as it is: the clerk sees
		// the check's answer before pressing 登记.
		steps = append(steps, chromedp.Evaluate[chromedp.Void](`document.querySelector("#open-enterprise-uscc").value = ""`),
			chromedp.SendKeys(chromedp.CSS("#open-enterprise-uscc"), code),
			waitFor(fmt.Sprintf(`(document.querySelector("#open-enterprise-uscc-err .field-ok")||{textContent:""}).textContent.replace(/\s/g, "").includes(%q)`, code)))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS("form.register button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".case-head")))
	p.do("register", steps...)
	number := caseNumberRE.FindString(p.text(".case-head h1"))
	if number == "" {
		p.t.Fatalf("no case number on the new case's page")
	}
	return number, eval[string](p, `location.pathname`)
}
