package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"casebank/corpus"
	"casebank/corpus/boltdb"

	"github.com/mattn/go-runewidth"
)

// token manages API tokens: create prints a new token once; list; revoke.
// With --from it asks a running server (admins); without, it opens the data
// directory, which a running server holds: the first admin token is made so.
func (c *cli) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, "usage: casebank token create --role editor|admin --name NAME | token list | token revoke ID\n  each with [--data DIR] or [--from URL --token ADMIN_TOKEN] (a running server)")
		return errUsage
	}
	sub, args := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "-help" || sub == "help" {
		fmt.Fprintln(c.stdout, "usage: casebank token create --role editor|admin --name NAME | token list | token revoke ID\n  each with [--data DIR] or [--from URL --token ADMIN_TOKEN] (a running server)")
		return nil // help never opens the store
	}
	operands := map[string]string{"revoke": "ID"}[sub]
	fs := newFlagSet("token "+sub, operands, "  on --data while no server runs on it, else on a running server with\n  --from URL --token ADMIN_TOKEN", c.stderr)
	var df dataFlags
	df.register(fs)
	role := fs.String("role", corpus.RoleEditor, "editor or admin (create)")
	name := fs.String("name", "", "who will use the token (create)")
	from := fs.String("from", "", "base URL of a running casebank server, e.g. http://127.0.0.1:8080")
	token := fs.String("token", "", "admin token for --from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var tokens tokenStore
	if *from != "" {
		tokens = &remoteTokens{base: strings.TrimRight(*from, "/"), token: *token}
	} else {
		// A new directory is made as serve makes it: the first admin token
		// comes before the first serve, which still seeds the store (a
		// token is not a change of the log).
		store, err := openStore(df.dir)
		if errors.Is(err, boltdb.ErrInUse) {
			return fmt.Errorf("%w\n(while a server runs, manage tokens through it: casebank token %s --from http://ADDR --token ADMIN_TOKEN)", err, sub)
		} else if err != nil {
			return err
		}
		defer store.Close()
		tokens = store
	}
	return c.tokenRun(ctx, tokens, sub, fs, *name, *role)
}

// tokenStore is where tokens are kept: the store, or a server's API.
type tokenStore interface {
	CreateToken(ctx context.Context, name, role string) (string, *corpus.Token, error)
	Tokens(ctx context.Context) ([]*corpus.Token, error)
	RevokeToken(ctx context.Context, id string) error
}

func (c *cli) tokenRun(ctx context.Context, store tokenStore, sub string, fs *flag.FlagSet, name, role string) error {
	switch sub {
	case "create":
		secret, tok, err := store.CreateToken(ctx, name, role)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "token %s for %s (%s); it is shown once, the store keeps only its hash:\n", tok.ID, tok.Name, tok.Role)
		fmt.Fprintln(c.stdout, secret)
	case "list":
		toks, err := store.Tokens(ctx)
		if err != nil {
			return err
		}
		rows := [][]string{{"ID", "NAME", "ROLE", "CREATED", "REVOKED"}}
		for _, t := range toks {
			revoked := "-"
			if t.Revoked != nil {
				revoked = t.Revoked.Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{t.ID, t.Name, t.Role, t.Created.Format("2006-01-02 15:04"), revoked})
		}
		printTable(c.stdout, rows)
		return nil
	case "revoke":
		if fs.NArg() != 1 {
			return usageError(fs)
		}
		if err := store.RevokeToken(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "revoked %s\n", fs.Arg(0))
	default:
		fmt.Fprintf(c.stderr, "token: unknown subcommand %q (create, list, revoke)\n", sub)
		return errUsage
	}
	return nil
}

// remoteTokens manages tokens through a running server's API.
type remoteTokens struct{ base, token string }

func (r *remoteTokens) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, strings.TrimSpace(string(msg)))
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

func (r *remoteTokens) CreateToken(ctx context.Context, name, role string) (string, *corpus.Token, error) {
	var out struct {
		Token  corpus.Token `json:"token"`
		Secret string       `json:"secret"`
	}
	if err := r.do(ctx, http.MethodPost, "/api/v1/tokens", map[string]string{"name": name, "role": role}, &out); err != nil {
		return "", nil, err
	}
	return out.Secret, &out.Token, nil
}

func (r *remoteTokens) Tokens(ctx context.Context) ([]*corpus.Token, error) {
	var out struct {
		Tokens []*corpus.Token `json:"tokens"`
	}
	err := r.do(ctx, http.MethodGet, "/api/v1/tokens", nil, &out)
	return out.Tokens, err
}

func (r *remoteTokens) RevokeToken(ctx context.Context, id string) error {
	return r.do(ctx, http.MethodDelete, "/api/v1/tokens/"+url.PathEscape(id), nil, nil)
}

// printTable prints rows in columns aligned by display width, so that
// Chinese names (two columns a character) line up; tabwriter counts runes.
func printTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			if i < len(r)-1 {
				b.WriteString(runewidth.FillRight(cell, widths[i]+2))
			} else {
				b.WriteString(cell)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}
