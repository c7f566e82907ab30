package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"casebank/corpus"
	"casebank/corpus/boltdb"
)

type tokenCommand struct {
	stdout, stderr io.Writer
}

// Run manages API tokens: create prints a new token once; list; revoke.
// One process owns the store, so stop the server first.
func (c *tokenCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, "usage: casebank token create --role editor|admin --name NAME | token list | token revoke ID")
		return errUsage
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	var df dataFlags
	df.register(fs)
	role := fs.String("role", corpus.RoleEditor, "editor or admin (create)")
	name := fs.String("name", "", "who will use the token (create)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := boltdb.Open(filepath.Join(df.dir, "casebank.db"), boltdb.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "create":
		secret, tok, err := store.CreateToken(ctx, *name, *role)
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
		w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tREVOKED")
		for _, t := range toks {
			revoked := "-"
			if t.Revoked != nil {
				revoked = t.Revoked.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Created.Format("2006-01-02 15:04"), revoked)
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintln(c.stderr, "usage: casebank token revoke [--data DIR] ID")
			return errUsage
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
