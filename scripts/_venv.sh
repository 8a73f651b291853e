# Create .venv with Python 3.11 and install the project into it (sourced by scripts).
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  # pycanon (tests only: an independent k-anonymity measurement) pins its dependencies
  # exactly; the part the tests use needs only pandas and numpy, installed above.
  .venv/bin/python -m pip install -q --no-deps "pycanon==1.3.6"
  # clkhash and anonlink (cross-border linkage keys) pin cryptography<41 and Cython; what they
  # really import at run time is in pyproject.toml (bitarray, jsonschema, tqdm, setuptools…).
  .venv/bin/python -m pip install -q --no-deps "clkhash==0.18.3" "anonlink==0.15.3"
  touch .venv/.installed
fi
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var
