# Sourced by the other scripts: create or reuse .venv and install the project with the extras
# given as arguments, re-installing only when pyproject.toml changed since the last install.
# It says what it installs, and shows pip's progress (a first install takes a few minutes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ARBITRE_VENV:-$root/.venv}"
extras="${1:-}"
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the virtual environment $venv (python3 -m venv)" >&2
  python3 -m venv "$venv"
fi
stamp="$venv/.arbitre-installed-$(echo "$extras" | tr ',' '-')"
want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  spec="$root"
  [ -z "$extras" ] || spec="$root[$extras]"
  what="Arbitre and its dependencies (numpy, scipy, numba, duckdb, pyarrow, statsforecast, weasyprint…)"
  [ -z "$extras" ] || what="$what with the extras: $extras"
  case ",$extras," in *,test,*|*,spark,*) what="$what — pyspark alone is about 450 MB" ;; esac
  if ls "$venv"/.arbitre-installed-* >/dev/null 2>&1; then
    echo "pyproject.toml changed: updating $what" >&2
  else
    echo "First run: installing $what into $venv — a few minutes, about 1.5 GB" >&2
  fi
  started=$SECONDS
  # pip's own progress on the terminal; only its notes about absent local indexes are filtered.
  "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on -e "$spec" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2 || true)
  "$venv/bin/python" -c "import arbitre" # fail here, not later, when the install did not work
  echo "$want" > "$stamp"
  echo "Installed in $((SECONDS - started)) s." >&2
fi
export PATH="$venv/bin:$PATH"
