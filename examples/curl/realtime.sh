#!/bin/sh
# Visitors seen in the last five minutes (right after send-events.sh).
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
curl -fsS "$URL/api/v1/stats/realtime/visitors?site_id=localhost"
echo
#> 2
