//go:build !unix

package sender

import "net"

// directSupported is false where closedByPeer cannot peek at a socket:
// every request goes through net/http's Transport.
const directSupported = false

func closedByPeer(net.Conn) bool { return true }
