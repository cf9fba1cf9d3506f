#!/usr/bin/env bash
# Builds the trainers' own environments for tests/interop (cached under .venv-interop/):
#   .venv-interop/openrlhf  OpenRLHF 0.11.2 --no-deps, transformers 5.15 (its pin)
#   .venv-interop/verl      verl 0.9.1 --no-deps, transformers 5.10 (its pin < 5.11),
#                           verireward's light install (the adapter file imports it)
# Each installs only what the modules the tests import need; the heavy shared packages
# (torch, numpy, ray, aiohttp, tokenizers) come from the main venv through a .pth line placed
# AFTER the venv's own site-packages, so each trainer's own pins win. vLLM is a stub package
# (tests/interop/vllm_stub): generation is replaced by canned responses.
# Usage: setup_venvs.sh MAIN_PYTHON
set -euo pipefail
main_python=${1:?usage: setup_venvs.sh MAIN_PYTHON}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/.venv-interop"
stamp_of() { sha256sum "$here/setup_venvs.sh" | cut -c1-16; }
main_site=$("$main_python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
base_python=$("$main_python" -c "import sys; print(sys._base_executable)")

make_venv() {  # name, then pip requirements
  local name=$1; shift
  local dir="$out/$name" stamp
  stamp="$(stamp_of)-$main_site"
  if [[ -f "$dir/.ready" && "$(cat "$dir/.ready")" == "$stamp" ]]; then
    return
  fi
  rm -rf "$dir"
  "$base_python" -m venv "$dir"
  local site
  site=$("$dir/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
  echo "$main_site" > "$site/zz_verireward_main_venv.pth"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$@"
  echo "$stamp" > "$dir/.ready"
}

# Pins: each trainer's own release and its transformers pin, and the versions of the few
# small packages its imported modules need that those transformers accept.
make_venv openrlhf openrlhf==0.11.2 transformers==5.15.0 tokenizers==0.22.2 \
  huggingface-hub==1.33.0 pylatexenc==2.10
cp -r "$here/vllm_stub/vllm" "$("$out/openrlhf/bin/python" -c \
  "import sysconfig; print(sysconfig.get_paths()['purelib'])")/"
make_venv verl verl==0.9.1 transformers==5.10.4 tokenizers==0.22.2 huggingface-hub==1.33.0 \
  tensordict==0.10.0 pyvers==0.1.0 cloudpickle==3.1.3 omegaconf==2.3.0 \
  antlr4-python3-runtime==4.9.3 codetiming==1.4.0 pylatexenc==2.10 -e "$root"
