#!/bin/sh
# Two visits to the demo site, as a browser would send them: run once on a fresh quickstart
# server (an empty ./data), then the other scripts print exactly their `#>` lines.
#   Visit 1 (from Google): /, then /pricing, a Signup with plan=pro, 15 s looked at.
#   Visit 2 (from Hacker News): /blog/hello-world only, a bounce.
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
A='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
B='Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'

send() { # user agent, JSON body
  curl -fsS -o /dev/null -w '%{http_code}\n' -X POST "$URL/api/event" -A "$1" -H 'Content-Type: application/json' -d "$2"
}

send "$A" '{"site":"localhost","url":"http://localhost:8000/?utm_source=google&utm_campaign=launch","referrer":"https://www.google.com/"}'
send "$A" '{"site":"localhost","url":"http://localhost:8000/pricing","referrer":"http://localhost:8000/"}'
send "$A" '{"site":"localhost","name":"Signup","url":"http://localhost:8000/pricing","props":{"plan":"pro"}}'
send "$A" '{"site":"localhost","name":"engagement","url":"http://localhost:8000/pricing","engagement_ms":15000}'
send "$B" '{"site":"localhost","url":"http://localhost:8000/blog/hello-world","referrer":"https://news.ycombinator.com/item?id=1"}'
#> 202
#> 202
#> 202
#> 202
#> 202
