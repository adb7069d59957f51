#!/bin/sh
# Installs Concurrency Lab's kernel the way ./lab start does (build the jar and its ahead-of-time cache with
# a JDK 25, then the kernelspec through Debian's jupyter), plus the lessons, for an image or a machine
# serving a class. hub/Containerfile runs it; the project's tests run it into a temporary prefix.
#
#   hub/install-kernel.sh [--sys-prefix | --prefix P]    (default --sys-prefix: /usr/share/jupyter/kernels/conclab)
#
# The kernelspec lands in PREFIX/share/jupyter/kernels/conclab (the jar and the cache are copied there),
# the lessons in PREFIX/share/conclab/notebooks, for a start-up hook to copy into each student's home.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "${1:---sys-prefix}" in
  --sys-prefix) where=--sys-prefix; prefix=$(/usr/bin/python3 -c 'import sys; print(sys.prefix)') ;;
  --prefix) [ $# -ge 2 ] || { echo "usage: $0 [--sys-prefix | --prefix P]" >&2; exit 2; }
            mkdir -p "$2"; prefix=$(cd "$2" && pwd); where="--prefix $prefix" ;;
  *) echo "usage: $0 [--sys-prefix | --prefix P]" >&2; exit 2 ;;
esac
# ./lab install: finds a JDK 25, builds when needed, installs the kernelspec with Debian's jupyter (first on
# the PATH: its sys.prefix is the one --sys-prefix means)
# shellcheck disable=SC2086
PATH="/usr/bin:$PATH" "$ROOT/lab" install $where
rm -rf "$prefix/share/conclab/notebooks"
mkdir -p "$prefix/share/conclab"
cp -r "$ROOT/notebooks" "$prefix/share/conclab/notebooks"
chmod -R a+rX "$prefix/share/conclab" "$prefix/share/jupyter/kernels/conclab"
echo "install-kernel: kernelspec in $prefix/share/jupyter/kernels/conclab, lessons in $prefix/share/conclab/notebooks"
