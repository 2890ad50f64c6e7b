package adapter

import (
	"bufio"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"
)

// The golden files under testdata were written by a throwaway Java program
// on OpenJDK 17.0.15 (not kept in the repository):
//   - javautf8.txt.gz: new String(bytes, UTF_8) for every sequence of one to
//     three bytes over 26 boundary values and of four bytes over 12, as
//     "<input hex> <UTF-16 units hex>" (Charset.decode gave the same result);
//   - javauri_illegal.txt: the BMP ranges for which
//     URI.create("http://localhost/?a" + c + "b") throws;
//   - javalower.txt: Character.toLowerCase(char) for every BMP character it
//     changes.

var _ = Describe("Java behaviour reproduced", func() {
	It("decodes malformed UTF-8 with Java's replacement granularity", func() {
		f, err := os.Open("testdata/javautf8.txt.gz")
		gm.Expect(err).NotTo(gm.HaveOccurred())
		defer f.Close()
		zr, err := gzip.NewReader(f)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		sc := bufio.NewScanner(zr)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				continue
			}
			in, want, _ := strings.Cut(line, " ")
			b, err := hex.DecodeString(in)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			var got strings.Builder
			for _, u := range javaUTF8Units(b, nil) {
				fmt.Fprintf(&got, "%04x", u)
			}
			gm.Expect(got.String()).To(gm.Equal(want), "bytes %s", in)
			gm.Expect(JavaUTF8(b)).To(gm.Equal(unitsToString(javaUTF8Units(b, nil))), "bytes %s", in)
			n++
		}
		gm.Expect(sc.Err()).NotTo(gm.HaveOccurred())
		gm.Expect(n).To(gm.BeNumerically(">", 38000))
	})

	It("rejects exactly the BMP characters java.net.URI rejects in a query", func() {
		raw, err := os.ReadFile("testdata/javauri_illegal.txt")
		gm.Expect(err).NotTo(gm.HaveOccurred())
		illegal := map[rune]bool{}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			lo, hi, _ := strings.Cut(line, "-")
			a, err := strconv.ParseUint(lo, 16, 32)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			b, err := strconv.ParseUint(hi, 16, 32)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			for r := a; r <= b; r++ {
				illegal[rune(r)] = true
			}
		}
		for r := rune(0); r < 0x10000; r++ {
			if (r >= 0xD800 && r <= 0xDFFF) || r == '#' || r == '%' {
				continue
			}
			_, uerr := parseQueryURI("a" + string(r) + "b")
			gm.Expect(uerr != nil).To(gm.Equal(illegal[r]), "U+%04X", r)
			if uerr != nil {
				gm.Expect(uerr.index).To(gm.Equal(19), "U+%04X", r)
			}
		}
	})

	It("lowercases a key's first character as Character.toLowerCase does", func() {
		raw, err := os.ReadFile("testdata/javalower.txt")
		gm.Expect(err).NotTo(gm.HaveOccurred())
		java := map[rune]rune{}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			from, to, _ := strings.Cut(line, " ")
			a, err := strconv.ParseUint(from, 16, 32)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			b, err := strconv.ParseUint(to, 16, 32)
			gm.Expect(err).NotTo(gm.HaveOccurred())
			java[rune(a)] = rune(b)
		}
		for r := rune(0); r < 0x10000; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			want, changed := java[r]
			if !changed {
				want = r
			}
			gm.Expect(javaToLower(r)).To(gm.Equal(want), "U+%04X", r)
		}
	})
})
