#!/bin/sh
# A private site read with an API key. Needs the server started with ADMIN_TOKEN set, e.g.
#   ADMIN_TOKEN=change-me-to-a-long-secret node packages/server/dist/main.js
set -eu
URL=${SIGHTLINE_URL:-http://localhost:8000}
: "${ADMIN_TOKEN:?set ADMIN_TOKEN to the server's}"
curl -fsS -o /dev/null -w '%{http_code}\n' -X POST "$URL/api/sites" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"domain":"private.example","timezone":"Europe/Berlin"}'
#> 201
curl -sS -o /dev/null -w '%{http_code}\n' "$URL/api/v1/stats/aggregate?site_id=private.example"
#> 401
KEY=$(curl -fsS -X POST "$URL/api/sites/private.example/keys" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"scopes":["stats:read"]}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).key')
curl -fsS "$URL/api/v1/stats/aggregate?site_id=private.example" -H "Authorization: Bearer $KEY"
echo
#> {"results":{"visitors":{"value":0}}}
# localhost is public: anyone may read it, whatever key is sent.
curl -sS -o /dev/null -w '%{http_code}\n' "$URL/api/v1/stats/aggregate?site_id=localhost" -H "Authorization: Bearer $KEY"
#> 200
curl -fsS -o /dev/null -w '%{http_code}\n' -X PATCH "$URL/api/sites/private.example" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"public":true}'
#> 200
curl -fsS "$URL/api/v1/stats/aggregate?site_id=private.example"
echo
#> {"results":{"visitors":{"value":0}}}
