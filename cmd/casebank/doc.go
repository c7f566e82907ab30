// Command casebank serves and maintains the casebank knowledge base: one
// binary with the embedded corpus, the store, the index, the API and the
// pages. Main(ctx, args, stdout, stderr) runs a subcommand and returns its
// exit code, so that the tests run the real commands in process.
//
//	casebank [serve] [--addr 127.0.0.1:8080] [--data casebank-data]
//	casebank search [--data DIR] QUERY...
//	casebank import [--data DIR] [--drafts] FILE
//	casebank export [--data DIR] [--format jsonl|csv] [-q QUERY] [-o FILE]
//	casebank backup [--data DIR | --from URL --token ADMIN_TOKEN] FILE
//	casebank restore [--data DIR] FILE
//	casebank token create|list|revoke [--data DIR | --from URL --token ADMIN_TOKEN]
//	casebank gen [--n 1000] [--seed 1] [-o FILE]
//	casebank eval [--json] [--set tune|heldout] [--tags]
//	casebank lint [--data DIR] [--json]
//	casebank reindex [--data DIR]
//	casebank version | --version
//
// Every flag can also come from the environment (CASEBANK_ and its name);
// "casebank SUB -h" names a command's operands and lists its flags without
// opening the store.
package main
