#!/bin/sh
# Visitors and pageviews per day over the last 7 days, empty days included (after send-events.sh).
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
curl -fsS "$URL/api/v1/stats/timeseries?site_id=localhost&period=7d&metrics=visitors,pageviews" |
  node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")).results; for (const row of r.slice(-2)) console.log(JSON.stringify({ ...row, date: row === r.at(-1) ? "<today>" : "<yesterday>" }))'
#> {"date":"<yesterday>","visitors":0,"pageviews":0}
#> {"date":"<today>","visitors":2,"pageviews":3}
