package scalamap_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestScalaMap(t *testing.T) {
	RegisterFailHandler(Fail)
	// Generous defaults for Eventually: CI runs the tests on 2 loaded cores,
	// where Gomega's 1 s default is too short.
	SetDefaultEventuallyTimeout(10 * time.Second)
	SetDefaultEventuallyPollingInterval(10 * time.Millisecond)
	RunSpecs(t, "scalamap")
}
