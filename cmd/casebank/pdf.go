package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// isPDF tells a PDF by its magic bytes.
func isPDF(head []byte) bool { return bytes.HasPrefix(head, []byte("%PDF-")) }

// pdfText extracts a PDF's text with pdftotext -layout (Debian's
// poppler-utils): columns stay apart by runs of spaces, which the generic
// reading splits table rows at.
func pdfText(ctx context.Context, path string) ([]byte, error) {
	bin, err := exec.LookPath(pdftotext)
	if err != nil {
		return nil, fmt.Errorf("reading a PDF needs %s, which is not installed: install Debian's poppler-utils (apt-get install poppler-utils), or import the report's text", pdftotext)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", path, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s could not read %s: %s", pdftotext, path, strings.TrimSpace(stderr.String()))
		}
		return nil, err
	}
	// pdftotext ends each page with a form feed.
	return bytes.ReplaceAll(out, []byte("\f"), []byte("\n")), nil
}

// pdftotext is the program pdfText runs; a test points it elsewhere.
var pdftotext = "pdftotext"
