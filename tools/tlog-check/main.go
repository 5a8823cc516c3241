// Command tlog-check verifies modelship's checkpoints and proofs with the transparency-log libraries other
// verifiers use (golang.org/x/mod/sumdb/note, transparency-dev/formats and transparency-dev/merkle), so that the
// formats are checked against independent code and not only against modelship's own.
//
//	tlog-check proof <vkey> <file.tlog-proof>
//	tlog-check consistency <vkey> <old.checkpoint> <new.checkpoint> <base64 hash>...
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tlog-check: "+format+"\n", args...)
	os.Exit(1)
}

func checkpoint(vkey string, text []byte) *log.Checkpoint {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	cp, _, _, err := log.ParseCheckpoint(text, verifier.Name(), verifier)
	if err != nil {
		fail("checkpoint: %v", err)
	}
	return cp
}

func decodeHashes(lines []string) [][]byte {
	hashes := make([][]byte, 0, len(lines))
	for _, l := range lines {
		h, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(h) != 32 {
			fail("proof hash %q is not base64 of 32 bytes", l)
		}
		hashes = append(hashes, h)
	}
	return hashes
}

// proveInclusion reads a C2SP tlog-proof whose extra data is the leaf itself.
func proveInclusion(vkey, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		fail("%v", err)
	}
	head, cpText, found := bytes.Cut(data, []byte("\n\n"))
	if !found {
		fail("no blank line before the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	if len(lines) < 3 || lines[0] != "c2sp.org/tlog-proof@v1" || !strings.HasPrefix(lines[1], "extra ") || !strings.HasPrefix(lines[2], "index ") {
		fail("not a c2sp.org/tlog-proof@v1 with extra data")
	}
	leaf, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[1], "extra "))
	if err != nil {
		fail("extra: %v", err)
	}
	index, err := strconv.ParseUint(strings.TrimPrefix(lines[2], "index "), 10, 64)
	if err != nil {
		fail("index: %v", err)
	}
	cp := checkpoint(vkey, cpText)
	hasher := rfc6962.DefaultHasher
	if err := proof.VerifyInclusion(hasher, index, cp.Size, hasher.HashLeaf(leaf), decodeHashes(lines[3:]), cp.Hash); err != nil {
		fail("inclusion: %v", err)
	}
	fmt.Printf("inclusion verified: leaf %d in %s at size %d\n", index, cp.Origin, cp.Size)
}

func proveConsistency(vkey, oldFile, newFile string, hashes []string) {
	read := func(f string) *log.Checkpoint {
		data, err := os.ReadFile(f)
		if err != nil {
			fail("%v", err)
		}
		return checkpoint(vkey, data)
	}
	older, newer := read(oldFile), read(newFile)
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, older.Size, newer.Size, decodeHashes(hashes), older.Hash, newer.Hash); err != nil {
		fail("consistency: %v", err)
	}
	fmt.Printf("consistency verified: %d to %d\n", older.Size, newer.Size)
}

func main() {
	switch {
	case len(os.Args) == 4 && os.Args[1] == "proof":
		proveInclusion(os.Args[2], os.Args[3])
	case len(os.Args) >= 5 && os.Args[1] == "consistency":
		proveConsistency(os.Args[2], os.Args[3], os.Args[4], os.Args[5:])
	default:
		fail("usage: tlog-check proof <vkey> <file> | consistency <vkey> <old> <new> <hash>...")
	}
}
