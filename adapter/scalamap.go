package adapter

import (
	"sort"
	"unicode/utf16"
)

// Enrich builds the status_change data from a Scala 2.12 immutable Map
// (Adapter.toMap, then circe's map encoder and Adapter.camelize), so the
// key order of ue_pr is that Map's iteration order: insertion order for up
// to four distinct keys (Map1..Map4), hash-trie order beyond
// (immutable.HashMap with improve(String.hashCode), five bits per level,
// least significant first). sgkit reproduces both, which yields the exact
// order of StatusGatorAdapterSpec's expected CloudFlare string.

// javaStringHash is java.lang.String.hashCode over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// scalaImprove is scala.collection.immutable.HashMap.improve (Scala 2.12).
func scalaImprove(hcode int32) uint32 {
	h := hcode + ^(hcode << 9)
	h ^= int32(uint32(h) >> 14)
	h += h << 4
	return uint32(h ^ int32(uint32(h)>>10))
}

// scalaMapOrder reorders distinct keys, given in first-insertion order, into
// the iteration order of a Scala 2.12 immutable.Map holding them.
// TODO: keys whose improved hashes are equal (HashMapCollision1) keep
// insertion order here, which may differ from Scala's ListMap order.
func scalaMapOrder(keys []string) []string {
	if len(keys) <= 4 {
		return keys
	}
	type entry struct {
		key  string
		path uint64 // the 5-bit trie indexes, first level in the highest bits
	}
	entries := make([]entry, len(keys))
	for i, k := range keys {
		h := scalaImprove(javaStringHash(k))
		var path uint64
		for level := 0; level < 35; level += 5 {
			path = path<<5 | uint64((h>>uint(level))&0x1f)
		}
		entries[i] = entry{k, path}
	}
	// A HashTrieMap iterates its children by ascending index at every level,
	// which is the lexicographic order of the index paths.
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	out := make([]string, len(keys))
	for i, e := range entries {
		out[i] = e.key
	}
	return out
}
