package textcheck

import (
	"net/http/httptest"
	"testing"
)

func TestBadField(t *testing.T) {
	for _, tc := range []struct {
		target string
		header map[string]string
		want   string
	}{
		{"/api/v1/cases?q=%E4%B8%AD%E6%96%87", nil, ""},
		{"/api/v1/cases?q=%FF", nil, "query.q"},
		{"/api/v1/cases?state=routed&q=%ED%A0%80", nil, "query.q"}, // a lone surrogate, U+D800
		{"/api/v1/cases?%C3%28=1", nil, "query.?("},
		{"/api/v1/cases?q=%zz", nil, ""}, // undecodable: the handler refuses it
		{"/api/v1/cases/%ED%BF%BF", nil, "path"},
		{"/api/v1/cases", map[string]string{"X-Name": "中文"}, ""},
		{"/api/v1/cases", map[string]string{"X-Name": "a\xed\xa0\x80b"}, "header.X-Name"},
		{"/api/v1/cases", map[string]string{"Accept-Language": "\xff"}, "header.Accept-Language"},
	} {
		r := httptest.NewRequest("GET", tc.target, nil)
		for k, v := range tc.header {
			r.Header.Set(k, v)
		}
		if got := BadField(r); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.target, tc.header, got, tc.want)
		}
	}
}
