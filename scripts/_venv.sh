# Sourced by the other scripts: create or reuse .venv and install the project with the extras
# given as arguments, re-installing only when pyproject.toml changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ARBITRE_VENV:-$root/.venv}"
extras="${1:-}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.arbitre-installed-$(echo "$extras" | tr ',' '-')"
want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  spec="$root"
  [ -z "$extras" ] || spec="$root[$extras]"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  "$venv/bin/python" -c "import arbitre" # fail here, not later, when the install did not work
  echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
