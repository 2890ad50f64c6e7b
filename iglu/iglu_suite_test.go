package iglu_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestIglu(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Iglu")
}
