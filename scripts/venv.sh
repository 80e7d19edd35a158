# Sourced by run.sh and test.sh: a .venv with the package installed (extras in $1).
# Reinstalls only when pyproject.toml changed since the last install.
[ -x .venv/bin/python ] || python3 -m venv .venv || { echo "python3 -m venv failed: apt-get install python3-venv" >&2; exit 1; }
stamp=".venv/.installed$1"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$1"
  touch "$stamp"
fi
