package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSgkit(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sgkit Command Suite")
}
