#!/bin/sh
# Filters: == (with * wildcards), != , ~ (contains), | (any of), joined by ; (all must hold).
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
curl -fsS "$URL/api/v1/stats/aggregate?site_id=localhost&period=30d&metrics=visitors,pageviews&filters=event:page==/blog/*|/pricing"
echo
#> {"results":{"visitors":{"value":2},"pageviews":{"value":2}}}
curl -fsS "$URL/api/v1/stats/aggregate?site_id=localhost&period=30d&metrics=visits,bounce_rate&filters=visit:source~Hacker;visit:entry_page!=/"
echo
#> {"results":{"visits":{"value":1},"bounce_rate":{"value":100}}}
curl -sS "$URL/api/v1/stats/aggregate?site_id=localhost&metrics=visitors,sessions"
echo
#> {"error":"invalid query","details":[{"field":"metrics","message":"unknown metric \"sessions\"; allowed: visitors, visits, pageviews, views_per_visit, bounce_rate, visit_duration, events, conversion_rate"}]}
