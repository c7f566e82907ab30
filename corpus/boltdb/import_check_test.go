package boltdb_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/export"
)

// generatedJSONL returns n valid case lines for the banks of the default corpus.
func generatedJSONL(t *testing.T, n int) [][]byte {
	t.Helper()
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	for _, c := range corpus.Generate(base, n, 1) {
		line, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	return lines
}

func overLongTitle(t *testing.T, line []byte) []byte {
	t.Helper()
	var c corpus.Case
	if err := json.Unmarshal(line, &c); err != nil {
		t.Fatal(err)
	}
	c.Title.ZH = strings.Repeat("长", corpus.MaxTitle+1)
	out, _ := json.Marshal(c)
	return out
}

// An import with a bad line past the first batch stores nothing and names
// the line; before, the first 1,000 lines were stored and the error named
// no line.
func TestImportJSONLRefusedWholeNamingTheLine(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	before := bolttest.ExportJSONL(t, s)
	lines := generatedJSONL(t, 1500)
	lines[1199] = overLongTitle(t, lines[1199])
	body := append(bytes.Join(lines, []byte("\n")), '\n')

	_, err := s.ImportJSONL(ctx, bytes.NewReader(body), corpus.ImportOptions{By: "importer"})
	want := "line 1200: title.zh: at most 300 characters (this one has 301)"
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want an invalid error with %q", err, want)
	}
	var ce *corpus.Error
	if !errors.As(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Line != 1200 || ce.Fields[0].Field != "title.zh" {
		t.Fatalf("fields: %+v", ce)
	}
	if after := bolttest.ExportJSONL(t, s); !bytes.Equal(before, after) {
		t.Fatal("a refused import stored records")
	}

	// Several bad lines: counted, the first few listed, the message short.
	lines[9] = []byte(`{"kind":"case","id":"x","bogus":1}`)
	lines[1400] = overLongTitle(t, lines[1400])
	body = append(bytes.Join(lines, []byte("\n")), '\n')
	_, err = s.ImportJSONL(ctx, bytes.NewReader(body), corpus.ImportOptions{By: "importer"})
	if msg := corpus.ErrorMessage(err); !strings.Contains(msg, "3 lines are invalid; the first: line 10: ") || len(msg) > 400 {
		t.Fatalf("message: %q", msg)
	}
	if after := bolttest.ExportJSONL(t, s); !bytes.Equal(before, after) {
		t.Fatal("a refused import stored records")
	}
}

// The check resolves banks as the write will: a case naming a bank that is
// neither stored nor made by an earlier line is refused; one after the
// bank's line, or carrying the bank inline, passes.
func TestImportJSONLChecksBanks(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	caseOf := func(id, bank string) string {
		c := bolttest.NewCase(id, bank, "标题", "正文")
		b, _ := json.Marshal(c)
		return string(b)
	}
	bankLine := `{"kind":"bank","id":"new-bank","name":"新银行","type":"village","region":"gansu"}`
	_, err := s.ImportJSONL(ctx, strings.NewReader(caseOf("c-new-1", "new-bank")+"\n"+bankLine+"\n"), corpus.ImportOptions{})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "line 1: bank.id: unknown bank") {
		t.Fatalf("case before its bank: %v", err)
	}
	if _, err := s.FindBankByID(ctx, "new-bank"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("bank stored by a refused import: %v", err)
	}
	res, err := s.ImportJSONL(ctx, strings.NewReader(bankLine+"\n"+caseOf("c-new-1", "new-bank")+"\n"), corpus.ImportOptions{})
	if err != nil || res.Created != 2 {
		t.Fatalf("bank then case: %+v, %v", res, err)
	}
	// An unknown theme is found by the check too.
	bad := strings.Replace(caseOf("c-new-2", "new-bank"), `"ai"`, `"no-such-theme"`, 1)
	_, err = s.ImportJSONL(ctx, strings.NewReader(bad+"\n"), corpus.ImportOptions{})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "line 1: themes: unknown theme") {
		t.Fatalf("unknown theme: %v", err)
	}
}

// A reader that cannot seek (standard input from a pipe) is checked and
// imported all the same.
func TestImportJSONLFromPipe(t *testing.T) {
	s := bolttest.MustOpenStore(t, false)
	lines := generatedJSONL(t, 3)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		src := bolttest.MustOpenStore(t, true)
		var banks bytes.Buffer
		export.JSONL(ctx, &banks, src)
		for _, l := range bytes.Split(banks.Bytes(), []byte("\n")) {
			if bytes.Contains(l, []byte(`"kind":"bank"`)) {
				w.Write(append(l, '\n'))
			}
		}
		w.Write(append(bytes.Join(lines, []byte("\n")), '\n'))
		w.Close()
	}()
	res, err := s.ImportJSONL(ctx, r, corpus.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCases(); n != 3 || res.Created < 3 {
		t.Fatalf("%d cases stored, %+v", n, res)
	}
}

// A case line is decoded once, but a line is still one JSON value: anything
// after a well-formed case is refused with the line's number, as a line
// that is not JSON is; a case line saying it is another kind is read as
// that kind; blanks after the value are fine.
func TestImportCaseLinesAreOneValue(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	lines := generatedJSONL(t, 3)
	for _, tc := range []struct {
		name, tail, want string
	}{
		{"a second value", ` {"id":"x"}`, "line 2: invalid character '{' after top-level value"},
		{"garbage", ` x`, "line 2: invalid character 'x' after top-level value"},
	} {
		body := string(lines[0]) + "\n" + string(lines[1]) + tc.tail + "\n" + string(lines[2]) + "\n"
		_, err := s.ImportJSONL(ctx, strings.NewReader(body), corpus.ImportOptions{By: "importer"})
		if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: got %v, want an invalid error with %q", tc.name, err, tc.want)
		}
	}
	asPolicy := bytes.Replace(lines[0], []byte(`"kind":"case"`), []byte(`"kind":"policy"`), 1)
	if bytes.Equal(asPolicy, lines[0]) {
		t.Fatal("a generated case line has no kind")
	}
	_, err := s.ImportJSONL(ctx, bytes.NewReader(append(asPolicy, '\n')), corpus.ImportOptions{By: "importer"})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "line 1: ") || !strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("a case's fields under kind policy: got %v, want an unknown-field error", err)
	}
	res, err := s.ImportJSONL(ctx, strings.NewReader(string(lines[0])+" \t\n"+string(lines[1])+"\n"), corpus.ImportOptions{By: "importer"})
	if err != nil || res == nil {
		t.Fatalf("blanks after a case: %v", err)
	}
	if got, _ := s.FindCases(ctx, corpus.Filter{}); len(got) < 2 {
		t.Fatalf("%d cases stored", len(got))
	}
}
