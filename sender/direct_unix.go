//go:build unix

package sender

import (
	"net"
	"syscall"
)

// directSupported is true where closedByPeer can see a closed socket.
// NOTE: only Linux has run these connections. Other unix systems, macOS
// among them, build this file, but their MSG_PEEK path is untested.
const directSupported = true

// closedByPeer reports whether an idle connection can no longer carry a
// request: the server closed it, reset it or sent unexpected bytes.
// It peeks without blocking and without consuming anything.
func closedByPeer(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	// Only "nothing to read yet" leaves the connection usable. A
	// successful peek means the server's FIN (0 bytes) or bytes sent
	// before any request, and any other error a reset or a dead socket.
	usable := false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		usable = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR
		return true
	})
	return !usable || err != nil
}
