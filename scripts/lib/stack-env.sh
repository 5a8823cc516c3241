# Points modelship's settings at the local stack's ports unless a service was given from outside.
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:${STACK_TEMPORAL_PORT:-7233}}
export TEMPORAL_UI_URL=${TEMPORAL_UI_URL:-http://127.0.0.1:${STACK_TEMPORAL_UI_PORT:-8233}}
export MONGODB_URI=${MONGODB_URI:-mongodb://127.0.0.1:${STACK_MONGO_PORT:-27017}/}
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:${STACK_SMTP_PORT:-1025}}
export MAIL_INBOX_URL=${MAIL_INBOX_URL:-http://127.0.0.1:${STACK_INBOX_PORT:-1080}}
