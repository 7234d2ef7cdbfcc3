#!/bin/sh
# Top pages, sources and a custom prop over the last 30 days (after send-events.sh).
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
curl -fsS "$URL/api/v1/stats/breakdown?site_id=localhost&period=30d&property=event:page&metrics=visitors,pageviews&limit=10"
echo
#> {"results":[{"page":"/","visitors":1,"pageviews":1},{"page":"/blog/hello-world","visitors":1,"pageviews":1},{"page":"/pricing","visitors":1,"pageviews":1}]}
curl -fsS "$URL/api/v1/stats/breakdown?site_id=localhost&period=30d&property=visit:source&metrics=visitors,bounce_rate"
echo
#> {"results":[{"source":"Hacker News","visitors":1,"bounce_rate":100},{"source":"google","visitors":1,"bounce_rate":0}]}
curl -fsS "$URL/api/v1/stats/breakdown?site_id=localhost&period=30d&property=event:props:plan&metrics=events&filters=event:name==Signup"
echo
#> {"results":[{"plan":"pro","events":1}]}
