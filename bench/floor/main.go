// Command floor is the HTTP floor for the load tests: a minimal net/http
// server answering every request with a fixed JSON body of the given size,
// so that casebank's figures can be read against what the machine allows.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	size := flag.Int("size", 20000, "body size in bytes")
	flag.Parse()
	body := append([]byte(`{"pad":"`), bytes.Repeat([]byte("x"), max(*size-len(`{"pad":""}`), 0))...)
	body = append(body, `"}`...)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("floor at http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})))
}
