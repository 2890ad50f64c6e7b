// Package scalamap reproduces the iteration order of a Scala 2.12
// immutable.Map with String keys.
//
// enrich 6.10 runs on Scala 2.12.20, and two of its outputs take their key
// order from such a Map. The first is an adapter's parameters (Adapter.toMap,
// then circe's map encoder), such as StatusGatorAdapter's ue_pr. The second
// is a schema object, which iglu-scala-client's circeToJackson rebuilds from
// obj.toList.toMap before networknt validates it. A Map keeps insertion
// order for up to four keys (Map1 to Map4) and iterates a HashTrieMap beyond:
// by the 5-bit slices of HashMap.improve(String.hashCode), least significant
// slice first.
package scalamap

import (
	"sort"
	"unicode/utf16"
)

// Order returns distinct keys, given in first-insertion order, in the
// iteration order of the Scala 2.12 immutable.Map that contains them. It returns
// keys itself for four keys or fewer and a new slice otherwise.
//
// TODO: keys whose improved hashes are equal share a HashMapCollision1,
// whose ListMap order this stable sort does not reproduce.
func Order(keys []string) []string {
	if len(keys) <= 4 {
		return keys
	}
	type entry struct {
		key  string
		path uint64 // the trie indexes, the first level in the highest bits
	}
	entries := make([]entry, len(keys))
	for i, k := range keys {
		h := improve(javaHashCode(k))
		var path uint64
		for shift := 0; shift < 35; shift += 5 {
			path = path<<5 | uint64(h>>uint(shift)&0x1f)
		}
		entries[i] = entry{k, path}
	}
	// A HashTrieMap iterates its children by ascending index at every level,
	// which is the lexicographic order of the index paths.
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

// improve is scala.collection.immutable.HashMap.improve in Scala 2.12.
func improve(hcode int32) uint32 {
	h := hcode + ^(hcode << 9)
	h ^= int32(uint32(h) >> 14)
	h += h << 4
	h ^= int32(uint32(h) >> 10)
	return uint32(h)
}
