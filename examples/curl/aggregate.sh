#!/bin/sh
# Every metric for today, and the change against yesterday (after send-events.sh).
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
curl -fsS "$URL/api/v1/stats/aggregate?site_id=localhost&period=day&metrics=visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events&compare=previous_period"
echo
#> {"results":{"visitors":{"value":2,"change":100},"visits":{"value":2,"change":100},"pageviews":{"value":3,"change":100},"views_per_visit":{"value":1.5,"change":100},"bounce_rate":{"value":50,"change":50},"visit_duration":{"value":8,"change":100},"events":{"value":4,"change":100}}}
