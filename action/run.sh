#!/usr/bin/env bash
# Step 3 of the mlgate action: run the CLI. Options reach mlgate as MLGATE_* variables (set
# by action.yml's env:), so no input is ever interpolated into a command line; only the
# command name (checked against a fixed list) and file paths (after `--`) are arguments.
set -uo pipefail

command="${MLGATE_ACTION_COMMAND:-gate}"
args=()
case "$command" in
  gate | evaluate)
    args=("$command" --out "${MLGATE_ACTION_VERDICT:-verdict.json}")
    ;;
  publish)
    if [[ -n "${MLGATE_ACTION_FROM_ARTIFACT:-}" ]]; then
      args=(publish --from-artifact "$MLGATE_ACTION_FROM_ARTIFACT")
    elif [[ -n "${MLGATE_ACTION_TO_ARTIFACT:-}" ]]; then
      args=(publish --to-artifact "$MLGATE_ACTION_TO_ARTIFACT" -- "${MLGATE_ACTION_VERDICT:-verdict.json}")
    else
      args=(publish -- "${MLGATE_ACTION_VERDICT:-verdict.json}")
    fi
    ;;
  promote | test | drift | monitor | deploy)
    args=("$command")
    ;;
  plan)
    args=(plan --format github)
    while IFS= read -r glob; do
      glob="${glob#"${glob%%[![:space:]]*}"}"
      glob="${glob%"${glob##*[![:space:]]}"}"
      if [[ -n "$glob" ]]; then
        args+=(--shared "$glob")
      fi
    done <<<"${MLGATE_ACTION_SHARED:-}"
    ;;
  summary)
    if [[ -z "${MLGATE_ACTION_PLAN:-}" ]]; then
      echo "::error title=mlgate::command summary needs the input plan (the plan job's matrix output)"
      echo "exit-code=2" >>"$GITHUB_OUTPUT"
      exit 2
    fi
    plan_file="$(mktemp "${RUNNER_TEMP:-/tmp}/mlgate-plan.XXXXXX")"
    printf '%s' "$MLGATE_ACTION_PLAN" >"$plan_file"
    args=(summary --plan "$plan_file" -- "${MLGATE_ACTION_VERDICTS:-.}")
    ;;
  canary)
    args=(canary)
    if [[ -n "${MLGATE_OUTCOMES:-}" ]]; then
      args+=(--outcomes "$MLGATE_OUTCOMES")
    fi
    ;;
  rollback)
    args=(rollback)
    if [[ -n "${MLGATE_ROLLED_BACK_BY:-}" ]]; then
      args+=(--by "$MLGATE_ROLLED_BACK_BY")
    fi
    ;;
  *)
    echo "::error title=mlgate::input command must be one of gate, evaluate, publish, promote, rollback, test, drift, monitor, plan, summary, deploy, canary"
    echo "exit-code=2" >>"$GITHUB_OUTPUT"
    exit 2
    ;;
esac

"$MLGATE_BIN" "${args[@]}"
code=$?
echo "exit-code=$code" >>"$GITHUB_OUTPUT"

if [[ "$code" == 1 && "${MLGATE_FAIL_ON_REGRESSION:-true}" == "false" ]]; then
  if [[ "${MLGATE_ACTION_COMMAND:-gate}" == test ]]; then
    echo "::warning title=mlgate::a critical model test failed; fail-on-regression is false, so the step passes and the gate reports it"
  elif [[ "${MLGATE_ACTION_COMMAND:-gate}" == summary ]]; then
    echo "::warning title=mlgate::a planned model did not pass; fail-on-regression is false, so the step passes (the status mlgate says so)"
  else
    echo "::warning title=mlgate::the gate rejected the candidate; fail-on-regression is false, so the step passes"
  fi
  exit 0
fi
exit "$code"
