package iglu

import (
	"sort"
	"unicode/utf16"
)

// scalaMapOrder returns distinct keys, given in insertion order, in the
// iteration order of the Scala 2.12 immutable.Map that holds them.
//
// networknt receives a schema only after iglu-scala-client's circeToJackson
// (io.circe.jackson.snowplow) has rebuilt every JSON object from
// obj.toList.toMap, and enrich 6.10 runs on Scala 2.12.20. Such a Map keeps
// insertion order for up to four keys (Map1 to Map4) and iterates a
// HashTrieMap beyond: by the 5-bit slices of HashMap.improve(String.hashCode),
// least significant slice first.
func scalaMapOrder(keys []string) []string {
	if len(keys) <= 4 {
		return keys
	}
	type entry struct {
		key  string
		path uint64 // trie indexes, the first level in the highest bits
	}
	entries := make([]entry, len(keys))
	for i, k := range keys {
		h := scalaImprove(javaHashCode(k))
		var path uint64
		for shift := 0; shift < 35; shift += 5 {
			path = path<<5 | uint64(h>>uint(shift)&0x1f)
		}
		entries[i] = entry{k, path}
	}
	// NOTE: keys with equal improved hashes share a HashMapCollision1,
	// whose ListMap order this stable sort does not reproduce.
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.key
	}
	return out
}

// javaHashCode is java.lang.String.hashCode over UTF-16 code units.
func javaHashCode(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// scalaImprove is scala.collection.immutable.HashMap.improve in Scala 2.12.
func scalaImprove(hcode int32) uint32 {
	h := hcode + ^(hcode << 9)
	h ^= int32(uint32(h) >> 14)
	h += h << 4
	h ^= int32(uint32(h) >> 10)
	return uint32(h)
}
