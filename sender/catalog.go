package sender

import (
	"fmt"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
)

// Service is one monitored service as StatusGator describes it in a
// webhook: its display name, slug and the three URLs it sends.
type Service struct {
	Name          string
	Slug          string
	HomePageURL   string
	StatusPageURL string
	// ID is StatusGator's service id: ten letters and digits in the v3
	// example of the "Webhook version 3.0" support article.
	ID string
	// Weight is the service's share of the plan's status changes, relative
	// to the other services: some services change status far more often.
	Weight float64
}

// IconURL returns the favicon URL v1 sends. The host and path follow the
// CloudFlare body of enrich's StatusGatorAdapterSpec (2016).
func (s Service) IconURL() string {
	return "https://dwxjd9cd6rwno.cloudfront.net/favicons/" + s.Slug + ".ico"
}

// FaviconURL returns the icon URL of v2 payloads, as in the Heroku example
// of StatusGator's "Webhook Version 2.0" article.
func (s Service) FaviconURL() string {
	return "https://favicons.statusgator.com/" + s.Slug + ".ico"
}

// V3IconURL returns the icon URL of v3 payloads, as in the examples of the
// "Webhook version 3.0" article.
func (s Service) V3IconURL() string {
	return "https://favicons.statusgator.com/" + s.Slug + ".png"
}

// LandingPageURL returns StatusGator's public page for the service.
func (s Service) LandingPageURL() string {
	return "https://statusgator.com/services/" + s.Slug
}

// wellKnownServices are real services StatusGator monitors, with their
// public home and status pages.
var wellKnownServices = []Service{
	{Name: "GitHub", HomePageURL: "https://github.com", StatusPageURL: "https://www.githubstatus.com"},
	{Name: "Slack", HomePageURL: "https://slack.com", StatusPageURL: "https://slack-status.com"},
	{Name: "Amazon Web Services", HomePageURL: "https://aws.amazon.com", StatusPageURL: "https://health.aws.amazon.com/health/status"},
	{Name: "Cloudflare", HomePageURL: "https://www.cloudflare.com", StatusPageURL: "https://www.cloudflarestatus.com/"},
	{Name: "Stripe", HomePageURL: "https://stripe.com", StatusPageURL: "https://status.stripe.com"},
	{Name: "Twilio", HomePageURL: "https://www.twilio.com", StatusPageURL: "https://status.twilio.com"},
	{Name: "Papertrail", HomePageURL: "https://www.papertrail.com", StatusPageURL: "https://www.papertrailstatus.com"},
	{Name: "Heroku", HomePageURL: "https://www.heroku.com", StatusPageURL: "https://status.heroku.com"},
	{Name: "OpenAI", HomePageURL: "https://openai.com", StatusPageURL: "https://status.openai.com"},
	{Name: "Bitbucket", HomePageURL: "https://bitbucket.org", StatusPageURL: "https://bitbucket.status.atlassian.com"},
	{Name: "Datadog", HomePageURL: "https://www.datadoghq.com", StatusPageURL: "https://status.datadoghq.com"},
	{Name: "PagerDuty", HomePageURL: "https://www.pagerduty.com", StatusPageURL: "https://status.pagerduty.com"},
	{Name: "Google Cloud", HomePageURL: "https://cloud.google.com", StatusPageURL: "https://status.cloud.google.com"},
	{Name: "Microsoft Azure", HomePageURL: "https://azure.microsoft.com", StatusPageURL: "https://azure.status.microsoft"},
	{Name: "DigitalOcean", HomePageURL: "https://www.digitalocean.com", StatusPageURL: "https://status.digitalocean.com"},
	{Name: "Fastly", HomePageURL: "https://www.fastly.com", StatusPageURL: "https://www.fastlystatus.com"},
	{Name: "Shopify", HomePageURL: "https://www.shopify.com", StatusPageURL: "https://www.shopifystatus.com"},
	{Name: "Mailgun", HomePageURL: "https://www.mailgun.com", StatusPageURL: "https://status.mailgun.com"},
	{Name: "SendGrid", HomePageURL: "https://sendgrid.com", StatusPageURL: "https://status.sendgrid.com"},
	{Name: "Dropbox", HomePageURL: "https://www.dropbox.com", StatusPageURL: "https://status.dropbox.com"},
	{Name: "Zendesk", HomePageURL: "https://www.zendesk.com", StatusPageURL: "https://status.zendesk.com"},
	{Name: "npm", HomePageURL: "https://www.npmjs.com", StatusPageURL: "https://status.npmjs.org"},
	{Name: "Docker Hub", HomePageURL: "https://hub.docker.com", StatusPageURL: "https://www.dockerstatus.com"},
	{Name: "CircleCI", HomePageURL: "https://circleci.com", StatusPageURL: "https://status.circleci.com"},
	{Name: "Sentry", HomePageURL: "https://sentry.io", StatusPageURL: "https://status.sentry.io"},
	{Name: "Okta", HomePageURL: "https://www.okta.com", StatusPageURL: "https://status.okta.com"},
	{Name: "Intercom", HomePageURL: "https://www.intercom.com", StatusPageURL: "https://www.intercomstatus.com"},
	{Name: "HubSpot", HomePageURL: "https://www.hubspot.com", StatusPageURL: "https://status.hubspot.com"},
	{Name: "Salesforce", HomePageURL: "https://www.salesforce.com", StatusPageURL: "https://status.salesforce.com"},
	{Name: "Mailchimp", HomePageURL: "https://mailchimp.com", StatusPageURL: "https://status.mailchimp.com"},
	{Name: "New Relic", HomePageURL: "https://newrelic.com", StatusPageURL: "https://status.newrelic.com"},
	{Name: "Vercel", HomePageURL: "https://vercel.com", StatusPageURL: "https://www.vercel-status.com"},
	{Name: "Netlify", HomePageURL: "https://www.netlify.com", StatusPageURL: "https://www.netlifystatus.com"},
	{Name: "Zoom", HomePageURL: "https://zoom.us", StatusPageURL: "https://status.zoom.us"},
	{Name: "Atlassian Jira", HomePageURL: "https://www.atlassian.com/software/jira", StatusPageURL: "https://jira-software.status.atlassian.com"},
	{Name: "Auth0", HomePageURL: "https://auth0.com", StatusPageURL: "https://status.auth0.com"},
}

// DefaultServices is the catalog size when Options.Services is zero.
const DefaultServices = 100

// NewCatalog returns n services: the well-known ones first (as many as fit),
// then services with generated company names. The catalog depends only on
// the seed and n.
func NewCatalog(seed int64, n int) []Service {
	faker := gofakeit.NewUnlocked(seed)
	services := make([]Service, 0, n)
	slugs := make(map[string]bool, n)

	for _, known := range wellKnownServices {
		if len(services) == n {
			break
		}
		known.Slug = slugify(known.Name)
		slugs[known.Slug] = true
		services = append(services, known)
	}
	for len(services) < n {
		name := faker.Company()
		slug := slugify(name)
		if slugs[slug] {
			// Company names repeat in gofakeit's word lists; a number keeps
			// the slug unique as StatusGator's slugs are.
			slug = fmt.Sprintf("%s-%d", slug, len(services))
		}
		slugs[slug] = true
		domain := strings.ReplaceAll(slug, "-", "")
		services = append(services, Service{
			Name:          name,
			Slug:          slug,
			HomePageURL:   "https://www." + domain + ".com",
			StatusPageURL: "https://status." + domain + ".com",
		})
	}

	for i := range services {
		services[i].ID = randomID(faker)
		// A few noisy services produce most changes, as on a real dashboard.
		services[i].Weight = 1 + 9*faker.Rand.Float64()*faker.Rand.Float64()
	}
	return services
}

// slugify lowercases name and joins its letters and digits with hyphens,
// the shape of StatusGator's slugs ("amazon-web-services").
func slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return b.String()
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns a ten-character id like StatusGator's v3 ids
// ("OUQJLhNcSb").
func randomID(faker *gofakeit.Faker) string {
	b := make([]byte, 10)
	for i := range b {
		b[i] = idAlphabet[faker.Rand.Intn(len(idAlphabet))]
	}
	return string(b)
}
