#!/bin/sh
# Container start: apply pending migrations, then serve. PORT comes from Cloud Run.
set -e
(cd /migrate && node node_modules/prisma/build/index.js migrate deploy)
exec node /app/server.js
