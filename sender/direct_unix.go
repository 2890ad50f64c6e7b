//go:build unix

package sender

import (
	"net"
	"syscall"
)

// directSupported reports whether closedByPeer can see a closed socket.
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
	closed := true
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR:
			closed = false
		case err != nil:
			closed = true
		default:
			// n == 0 is the server's FIN, and n > 0 is data that came
			// before any request.
			closed = n >= 0
		}
		return true
	})
	return closed || err != nil
}
