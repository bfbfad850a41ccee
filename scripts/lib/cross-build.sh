#!/usr/bin/env bash
# Build dist/kuma-linux-<arch> for a Raspberry Pi on this x86-64 machine (called by scripts/build-binary --arch).
#   scripts/lib/cross-build.sh aarch64|armv7 DISTPATH
# How: a Debian bookworm root filesystem for the target (debootstrap, run through qemu-user-static and
# binfmt_misc) with Debian's Python 3.11; the exact versions .venv holds (scripts/lib/build_requirements.py),
# downloaded here as the target's wheels (sdists where PyPI has no wheel, compiled inside the root
# filesystem); PyInstaller run inside it on a copy of this checkout's kuma/, kuma.spec and pyproject.toml.
# Cache: $KUMA_CROSS_CACHE (default .cache/) holds rootfs-<debian arch>/ with its wheels, venv and
# PyInstaller work folder, so a second build only reruns PyInstaller. Needs root (debootstrap, chroot).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
arch="$1"
distpath="$2"
case "$arch" in
  aarch64) debarch=arm64; qemu=qemu-aarch64; tag=aarch64 ;;
  armv7) debarch=armhf; qemu=qemu-arm; tag=armv7l ;;
  *) echo "build-binary: --arch must be aarch64 or armv7 (got $arch)" >&2; exit 2 ;;
esac
cache="${KUMA_CROSS_CACHE:-$repo/.cache}"
root="$cache/rootfs-$debarch"
mirror="${KUMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# libpython3.11: PyInstaller bundles Python's shared library; binutils: its strip and objdump
base_packages="python3,python3-venv,libpython3.11,binutils,ca-certificates"
# only when some pinned distribution has no wheel for the target (then it is compiled in the root filesystem)
compile_packages="build-essential python3-dev zlib1g-dev libffi-dev"
started=$SECONDS
say() { printf 'build-binary[%s] %4ss %s\n' "$arch" "$((SECONDS - started))" "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "build-binary --arch $arch: needs root (debootstrap and chroot); run it with sudo" >&2
    exit 1
  fi
}

host_tools() {  # Debian's qemu-user-static, binfmt-support and debootstrap, and the target registered with binfmt_misc
  if ! command -v debootstrap >/dev/null || [ ! -x "/usr/bin/$qemu-static" ] || ! command -v update-binfmts >/dev/null; then
    say "installing qemu-user-static binfmt-support debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support debootstrap >/dev/null
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/$qemu" 2>/dev/null; then
    update-binfmts --enable "$qemu" || update-binfmts --import "$qemu"
  fi
  grep -qx enabled "/proc/sys/fs/binfmt_misc/$qemu" \
    || { echo "build-binary: binfmt_misc has no enabled $qemu entry; cannot run $arch programs" >&2; exit 1; }
}

in_root() {  # run a command inside the root filesystem, with /proc, /dev and a fresh /tmp that vanish afterwards
  unshare --mount --fork bash -c '
    root="$1"; shift
    mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && mount -t tmpfs tmpfs "$root/tmp"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@"
  ' in_root "$root" "$@"
}

make_root() {  # once per cache: debootstrap into a temporary folder, then move it into place
  if [ -f "$root/.kuma-rootfs" ]; then
    [ "$(cat "$root/.kuma-rootfs")" = "$base_packages" ] && return
    say "adding packages to the cached root filesystem: $base_packages"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    in_root apt-get update -qq >/dev/null
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${base_packages//,/ } >/dev/null
    echo "$base_packages" >"$root/.kuma-rootfs"
    return
  fi
  say "debootstrap bookworm $debarch into $root (once; several minutes under emulation)"
  rm -rf "$root.tmp"
  mkdir -p "$cache"
  debootstrap --arch="$debarch" --variant=minbase --include="$base_packages" bookworm "$root.tmp" "$mirror" \
    >"$cache/debootstrap-$debarch.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap-$debarch.log" >&2; exit 1; }
  echo "$base_packages" >"$root.tmp/.kuma-rootfs"
  rm -rf "$root"
  mv "$root.tmp" "$root"
}

platform_options() {  # pip download's tags for Debian bookworm (glibc 2.36) on the target
  local options=(--platform "manylinux2014_$tag" --platform "linux_$tag") minor
  for minor in $(seq 17 36); do options+=(--platform "manylinux_2_${minor}_$tag"); done
  echo "${options[@]} --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none"
}

fetch_wheels() {  # the pinned set as target wheels; an sdist (in wheels/sdist/) only where no wheel exists
  local pins="$1" stamp="$root/wheels/.pins" pin
  if [ -f "$stamp" ] && cmp -s "$pins" "$stamp"; then return; fi
  say "downloading the target's wheels ($(wc -l <"$pins") pins)"
  rm -rf "$root/wheels" && mkdir -p "$root/wheels/sdist"
  # shellcheck disable=SC2046
  if ! .venv/bin/pip download -q --no-deps --only-binary=:all: $(platform_options) -d "$root/wheels" -r "$pins" 2>/dev/null; then
    while read -r pin; do
      # shellcheck disable=SC2046
      if ! .venv/bin/pip download -q --no-deps --only-binary=:all: $(platform_options) -d "$root/wheels" "$pin" 2>/dev/null; then
        if ls "$root/wheels-built" 2>/dev/null | grep -qi "^$(wheel_prefix "$pin")-.*\.whl$"; then
          say "no $tag wheel on PyPI for $pin: using the one compiled by an earlier build"
          continue
        fi
        say "no $tag wheel on PyPI for $pin: its sdist is compiled inside the root filesystem"
        # only this distribution as an sdist: its build requirements come as wheels (no Cython compiled here)
        .venv/bin/pip download -q --no-deps --no-binary="${pin%%==*}" -d "$root/wheels/sdist" "$pin" >/dev/null
      fi
    done <"$pins"
  fi
  cp "$pins" "$stamp"
}

wheel_prefix() {  # "pyyaml==6.0.4" → "pyyaml-6.0.4" (how a wheel's file name starts, matched ignoring case)
  local name="${1%%==*}" version="${1##*==}"
  echo "${name//[-.]/_}-$version"
}

compile_sdists() {  # wheels for the sdists fetch_wheels found, built under emulation with Debian's compiler
  local sdist
  [ -n "$(ls -A "$root/wheels/sdist")" ] || return 0
  say "installing $compile_packages in the root filesystem for: $(ls "$root/wheels/sdist" | tr '\n' ' ')"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  in_root apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $compile_packages >/dev/null
  for sdist in "$root"/wheels/sdist/*; do
    say "compiling $(basename "$sdist") under emulation"
    # into wheels-built/, which outlives a change of pins: each sdist is compiled once per cache
    in_root /opt/kuma-venv/bin/pip wheel -q --no-deps -w /wheels-built "/wheels/sdist/$(basename "$sdist")"
    rm "$sdist"
  done
}

make_venv() {  # /opt/kuma-venv inside the root filesystem with exactly the pins; rebuilt when they change
  local pins="$1"
  if [ -f "$root/opt/kuma-venv/.pins" ] && cmp -s "$pins" "$root/opt/kuma-venv/.pins"; then return; fi
  say "creating /opt/kuma-venv in the root filesystem (pip under emulation)"
  rm -rf "$root/opt/kuma-venv"
  cp "$pins" "$root/pins.txt"
  in_root python3 -m venv /opt/kuma-venv
  compile_sdists
  mkdir -p "$root/wheels-built"
  in_root /opt/kuma-venv/bin/pip install -q --no-index --find-links /wheels --find-links /wheels-built -r /pins.txt
  cp "$pins" "$root/opt/kuma-venv/.pins"
}

copy_sources() {  # what shapes the binary, and nothing else (no caches, no .venv, no tests)
  rm -rf "$root/src" && mkdir -p "$root/src"
  tar -C "$repo" --exclude=__pycache__ --exclude='*.pyc' -cf - kuma kuma.spec pyproject.toml | tar -C "$root/src" -xf -
}

run_pyinstaller() {
  local commit
  commit="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  say "PyInstaller under emulation (commit $commit)"
  rm -rf "$root/out"
  in_root /usr/bin/env KUMA_BUILD_COMMIT="$commit" ${SOURCE_DATE_EPOCH:+SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH} \
    /bin/sh -c 'cd /src && /opt/kuma-venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
      --distpath /out --workpath /pyinstaller-work kuma.spec'
  mkdir -p "$distpath"
  install -m 0755 "$root/out/kuma" "$distpath/kuma-linux-$arch.tmp"
  mv "$distpath/kuma-linux-$arch.tmp" "$distpath/kuma-linux-$arch"
}

need_root
host_tools
mkdir -p "$cache"
exec 9>"$cache/.lock-$debarch"
flock 9  # one build per root filesystem at a time
make_root
pins="$(mktemp)"
trap 'rm -f "$pins"' EXIT
.venv/bin/python scripts/lib/build_requirements.py pyproject.toml >"$pins"
fetch_wheels "$pins"
make_venv "$pins"
copy_sources
run_pyinstaller
# here it runs under qemu-user, with the target's libc from the root filesystem (on a Pi: the system's own)
say "built $distpath/kuma-linux-$arch: $(QEMU_LD_PREFIX="$root" "$distpath/kuma-linux-$arch" --version)"
