#!/usr/bin/env bash
# Which clouds the deploy jobs can reach. Writes azure=true|false and aws=true|false to $GITHUB_OUTPUT,
# which the later jobs' `if:` read, and says in the job summary what is missing, so that a skipped
# deploy job explains itself. Only the presence of each value is checked; none is printed.
#
# Reads PULUMI_ACCESS_TOKEN (a secret), AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID and
# AWS_ROLE_ARN (repository or organization variables) from the environment.
set -euo pipefail

: "${GITHUB_OUTPUT:?}" "${GITHUB_STEP_SUMMARY:?}"

common_missing=()
[[ -n "${PULUMI_ACCESS_TOKEN:-}" ]] || common_missing+=("secret PULUMI_ACCESS_TOKEN")

summary_lines=()

# report OUTPUT LABEL VARIABLE...: OUTPUT=true when the Pulumi token and every VARIABLE are set.
report() {
  local output=$1 label=$2 name
  shift 2
  local missing=("${common_missing[@]}")
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || missing+=("variable $name")
  done
  if ((${#missing[@]} == 0)); then
    echo "$output=true" >>"$GITHUB_OUTPUT"
    summary_lines+=("| $label | runs |")
  else
    local list
    list=$(printf '%s, ' "${missing[@]}")
    list=${list%, }
    echo "$output=false" >>"$GITHUB_OUTPUT"
    summary_lines+=("| $label | **skipped**: missing $list |")
    echo "::notice title=$label skipped::missing $list"
  fi
}

report azure "Azure stacks (AKS)" AZURE_CLIENT_ID AZURE_TENANT_ID AZURE_SUBSCRIPTION_ID
report aws "AWS stacks (EKS)" AWS_ROLE_ARN

{
  echo "### Deploy configuration"
  echo
  echo "| Stacks | Pulumi jobs |"
  echo "| --- | --- |"
  printf '%s\n' "${summary_lines[@]}"
  echo
  echo "Set the secret and the variables under Settings > Secrets and variables > Actions; the comment at"
  echo "the top of .github/workflows/deploy.yml says what each one is. Workflows started by pull requests"
  echo "from forks, and by Dependabot, get no secrets, so their previews are always skipped."
} >>"$GITHUB_STEP_SUMMARY"
