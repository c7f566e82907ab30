package ui

import "testing"

func TestSafeNextKeepsRedirectsLocal(t *testing.T) {
	for _, c := range []struct{ next, want string }{
		{"/", "/"},
		{"/cases/x?y=1", "/cases/x?y=1"},
		{"/?q=城商行", "/?q=城商行"},
		{"/?q=%E5%9F%8E%E5%95%86%E8%A1%8C+DeepSeek&page=2", "/?q=%E5%9F%8E%E5%95%86%E8%A1%8C+DeepSeek&page=2"},
		{"/cases/new#draft", "/cases/new#draft"},
		// Each of these leaves the site in some browser, or is not a path.
		{"/\t/evil.example", "/"}, // what /signin?next=/%09/evil.example decodes to
		{"/%09/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"//evil", "/"},
		{"///evil", "/"},
		{`/\evil`, "/"},
		{`\\evil`, "/"},
		{"/%5Cevil", "/"},
		{"/%2F%2Fevil", "/"},
		{"/%2f/evil", "/"},
		{"https://evil", "/"},
		{"HTTPS://evil", "/"},
		{"javascript:alert(1)", "/"},
		{" /x", "/"},
		{"/x ", "/"},
		{"/x\r\nLocation: y", "/"},
		{"/a\tb", "/"},
		{"/a\x00b", "/"},
		{"/a\x7fb", "/"},
		{"/a\xffb", "/"},
		{"", "/"},
		{"cases/x", "/"},
		{"/%zz", "/"},
	} {
		if got := safeNext(c.next); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}
