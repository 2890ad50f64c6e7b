package main

import (
	"fmt"
	"net/url"
	"os"

	"github.com/sgkit/sgkit/iglu"
)

// envIgluAPIKey names the environment variable containing an Iglu Server API
// key. It keeps the key out of a process list, which --api-key does not.
const envIgluAPIKey = "SGKIT_IGLU_API_KEY"

// apiKeyUsage is the --api-key help text shared by the commands that take
// --registry.
const apiKeyUsage = "Iglu Server API key for --registry (default $" + envIgluAPIKey +
	", which keeps the key out of the process list)"

// igluRegistry returns the registry at baseURL: an Iglu Server when an API
// key is given by flag or by $SGKIT_IGLU_API_KEY, else a static repository.
func igluRegistry(baseURL, apiKey string) (*iglu.HTTPRepository, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--registry %q is not an http(s) URL; give one like http://iglucentral.com", baseURL)
	}
	if apiKey == "" {
		apiKey = os.Getenv(envIgluAPIKey)
	}
	if apiKey != "" {
		return iglu.ServerRegistry(baseURL, apiKey), nil
	}
	return iglu.StaticRegistry(baseURL), nil
}
