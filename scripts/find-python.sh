#!/usr/bin/env bash
# Print the path of a Python 3.12+ interpreter, or say in one line how to get one.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  version=$(cat .python-version 2>/dev/null)
  path=$(PYENV_VERSION="$version" pyenv which python 2>/dev/null) && candidates+=("$path")
fi
for name in python3.14 python3.13 python3.12 python3; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
for candidate in "${candidates[@]}"; do
  if ok "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "Python 3.12 or newer is needed: install it (e.g. 'pyenv install 3.12' or 'apt-get install python3.12') and run the command again." >&2
exit 1
