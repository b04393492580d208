package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestZZDebug(t *testing.T) {
	browser := MustBrowser(t)
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	var logs []string
	county := e.MustPerson(t, browser, "county-GX")
	_ = logs
	county.open("/board")
	county.do("wait", chromedp.Sleep(time.Second))
	t.Log(eval[string](county, `JSON.stringify({e: !!window.echarts, ready: document.getElementById('trend').dataset.ready, h: document.getElementById('trend').offsetHeight, svg: document.querySelectorAll('#trend svg').length, html: document.getElementById('trend').innerHTML.slice(0,300)})`))
}
