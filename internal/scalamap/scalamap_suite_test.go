package scalamap_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestScalaMap(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "scalamap")
}
