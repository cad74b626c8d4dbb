#!/bin/sh
# Static checks of the modelwatch alert rules and Alertmanager configuration, without any server.
# Needs promtool (Debian package prometheus) and amtool (prometheus-alertmanager); node is optional
# (it checks that the generated recording-rule tests are up to date).
#
#   alert-rules/check.sh
set -eu
cd "$(dirname "$0")"

promtool check rules rules/*.yml alerts/*.yml
promtool test rules tests/*.test.yml

if command -v node >/dev/null 2>&1; then
  node tests/expected.mjs --check
fi

amtool check-config alertmanager/alertmanager.yml

failed=0
while read -r receivers labels; do
  case "$receivers" in '' | '#'*) continue ;; esac
  # shellcheck disable=SC2086 # the labels are separate arguments
  if amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers="$receivers" $labels >/dev/null 2>&1; then
    echo "route ok:     $receivers <- $labels"
  else
    echo "route FAILED: $receivers <- $labels"
    failed=1
  fi
done < alertmanager/routes.test.txt

amtool template render --template.glob='alertmanager/templates/*.tmpl' \
  --template.data=alertmanager/sample-alerts.json \
  --template.text='{{ template "modelwatch.title" . }}
{{ template "modelwatch.text" . }}' >/dev/null

exit "$failed"
