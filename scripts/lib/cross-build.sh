#!/usr/bin/env bash
# Build dist/kuma-linux-<arch> for a Raspberry Pi on this x86-64 machine (called by scripts/build-binary --arch).
#   scripts/lib/cross-build.sh aarch64|armv7 DISTPATH
#   scripts/lib/cross-build.sh --root aarch64|armv7    prints the cached root filesystem for these inputs
# How: a Debian bookworm root filesystem for the target, unpacked on the host by mmdebstrap (no maintainer
# scripts, so nothing runs under emulation); the exact versions .venv holds (scripts/lib/build_requirements.py)
# downloaded and installed into its /opt/kuma-venv by the host's pip for the target's platform (sdists where
# PyPI has no wheel, cross-compiled here by Debian's gcc-<triplet> against the root filesystem); PyInstaller run inside it under qemu-user
# on a copy of this checkout's kuma/, kuma.spec and pyproject.toml.
# Cache: ${KUMA_CROSS_CACHE:-/var/cache/kuma-cross}/<hash of the build inputs>/ holds the root filesystem,
# the wheels, the venv and PyInstaller's work folder; the newest three hashes are kept. Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
print_root=0
if [ "${1:-}" = "--root" ]; then print_root=1; shift; fi
arch="$1"
distpath="${2:-dist}"
case "$arch" in
  aarch64) debarch=arm64; qemu=qemu-aarch64; tag=aarch64; triplet=aarch64-linux-gnu; pyi=Linux-64bit-arm ;;
  armv7) debarch=armhf; qemu=qemu-arm; tag=armv7l; triplet=arm-linux-gnueabihf; pyi=Linux-32bit-arm ;;
  *) echo "build-binary: --arch must be aarch64 or armv7 (got $arch)" >&2; exit 2 ;;
esac
# what decides the root filesystem, the wheels and the venv: a change to any of them starts a cold cache
inputs=(pyproject.toml kuma.spec scripts/build-binary scripts/lib/cross-build.sh scripts/lib/build_requirements.py)
base="${KUMA_CROSS_CACHE:-/var/cache/kuma-cross}"
cache="$base/$(cat "${inputs[@]}" | sha256sum | cut -c1-16)"
root="$cache/rootfs-$debarch"
if [ "$print_root" = 1 ]; then echo "$root"; exit 0; fi
mirror="${KUMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# libpython3.11: PyInstaller bundles Python's shared library; binutils: its strip and objdump; libc-bin: ldd
base_packages="python3,python3-venv,libpython3.11,binutils,libc-bin,coreutils,dash,bash"
# only when some pinned distribution has no wheel for the target: headers and libraries to compile it against
# (the root filesystem is the cross compiler's sysroot)
compile_packages="libc6-dev,python3-dev,zlib1g-dev,libffi-dev,libyaml-dev"
started=$SECONDS
say() { printf 'build-binary[%s] %4ss %s\n' "$arch" "$((SECONDS - started))" "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "build-binary --arch $arch: needs root (mmdebstrap, chroot); run it with sudo" >&2
    exit 1
  fi
}

host_tools() {  # Debian's qemu-user-static, binfmt-support and mmdebstrap, and the target registered with binfmt_misc
  if ! command -v mmdebstrap >/dev/null || [ ! -x "/usr/bin/$qemu-static" ] || ! command -v update-binfmts >/dev/null; then
    say "installing qemu-user-static binfmt-support mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support mmdebstrap >/dev/null
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

make_root() {  # once per cache: the target's packages unpacked on the host (mmdebstrap's extract variant)
  local packages="$base_packages"
  [ -f "$root/.kuma-rootfs" ] && return
  [ -n "$(ls -A "$cache/sdist-$tag")" ] && packages="$packages,$compile_packages"
  say "unpacking Debian bookworm $debarch into $root ($packages)"
  rm -rf "$root.tmp"
  # extract: dependencies resolved and packages unpacked by the host's apt and dpkg; no maintainer scripts
  # run, so nothing runs under emulation (Debian's dynamic loader finds the multiarch libraries without
  # an ld.so.cache). Enough to run Python and PyInstaller and to serve as a sysroot, not to run apt inside.
  mmdebstrap --quiet --mode=root --variant=extract --architectures="$debarch" --include="$packages" \
    bookworm "$root.tmp" "$mirror" >"$cache/mmdebstrap-$debarch.log" 2>&1 \
    || { tail -n 30 "$cache/mmdebstrap-$debarch.log" >&2; exit 1; }
  mkdir -p "$root.tmp/proc" "$root.tmp/dev" "$root.tmp/tmp" "$root.tmp/root"
  rm -rf "$root"
  mv "$root.tmp" "$root"
  # the one maintainer step worth running (libc-bin's): PyInstaller asks `ldconfig -p` where libraries are
  in_root /sbin/ldconfig
  echo "$packages" >"$root/.kuma-rootfs"
}

platform_options() {  # pip's tags for Debian bookworm (glibc 2.36) on the target
  local options=(--platform "manylinux2014_$tag" --platform "linux_$tag") minor
  for minor in $(seq 17 36); do options+=(--platform "manylinux_2_${minor}_$tag"); done
  echo "${options[@]} --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none"
}

fetch_wheels() {  # the pinned set as target wheels; an sdist (in sdist-<tag>/) only where no wheel exists
  local pins="$1" wheels="$cache/wheels-$tag" stamp="$cache/wheels-$tag/.pins" pin
  if [ -f "$stamp" ] && cmp -s "$pins" "$stamp"; then return; fi
  say "downloading the target's wheels ($(wc -l <"$pins") pins)"
  rm -rf "$wheels" "$cache/sdist-$tag" && mkdir -p "$wheels" "$cache/sdist-$tag"
  # shellcheck disable=SC2046
  if ! .venv/bin/pip download -q --no-deps --only-binary=:all: $(platform_options) -d "$wheels" -r "$pins" 2>/dev/null; then
    while read -r pin; do
      # shellcheck disable=SC2046
      if ! .venv/bin/pip download -q --no-deps --only-binary=:all: $(platform_options) -d "$wheels" "$pin" 2>/dev/null; then
        say "no $tag wheel on PyPI for $pin: its sdist is cross-compiled here"
        .venv/bin/pip download -q --no-deps --no-binary="${pin%%==*}" -d "$cache/sdist-$tag" "$pin" >/dev/null
      fi
    done <"$pins"
  fi
  cp "$pins" "$stamp"
}

cross_env() {  # the host's Python building extensions for the target: its sysconfig, compiler and headers
  mkdir -p "$cache/sysconfig-$tag"
  cp "$root"/usr/lib/python3.11/_sysconfigdata__linux_"$triplet".py "$cache/sysconfig-$tag/"
  echo _PYTHON_HOST_PLATFORM="linux-$tag" _PYTHON_SYSCONFIGDATA_NAME="_sysconfigdata__linux_$triplet" \
    PYTHONPATH="$cache/sysconfig-$tag" PKG_CONFIG_LIBDIR="$root/usr/lib/$triplet/pkgconfig:$root/usr/share/pkgconfig" \
    PKG_CONFIG_SYSROOT_DIR="$root" PYI_PLATFORM="$pyi" PYI_WHEEL_TAG="linux_$tag"
}

compile_sdists() {  # wheels for the sdists fetch_wheels found, cross-compiled on the host (no emulation)
  local sdist built="$cache/wheels-built-$tag" build_venv="$cache/host-build-venv" cc
  mkdir -p "$built"
  [ -n "$(ls -A "$cache/sdist-$tag")" ] || return 0
  if ! command -v "$triplet-gcc" >/dev/null; then
    say "installing gcc-$triplet"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "gcc-$triplet" >/dev/null
  fi
  # their build requirements (setuptools, Cython, hatchling, …), installed for the host: only the compiler
  # output is the target's
  .venv/bin/python scripts/lib/build_requirements.py --build-requires "$cache/sdist-$tag"/* >"$cache/build-requires.txt"
  say "build requirements: $(tr '\n' ' ' <"$cache/build-requires.txt")"
  rm -rf "$build_venv" && .venv/bin/python -m venv "$build_venv"
  "$build_venv/bin/pip" install -q -r "$cache/build-requires.txt"
  cc="$triplet-gcc --sysroot=$root"
  for sdist in "$cache/sdist-$tag"/*; do
    say "cross-compiling $(basename "$sdist") with $triplet-gcc"
    # shellcheck disable=SC2046
    env $(cross_env) CC="$cc" LDSHARED="$cc -shared" \
      CFLAGS="-I$root/usr/include/python3.11 -I$root/usr/include/$triplet/python3.11" \
      "$build_venv/bin/pip" wheel -q --no-deps --no-build-isolation --no-index -w "$built" "$sdist"
    rm "$sdist"
  done
}

make_venv() {  # /opt/kuma-venv inside the root filesystem with exactly the pins, installed by the host's pip
  local pins="$1" venv="$root/opt/kuma-venv"
  if [ -f "$venv/.pins" ] && cmp -s "$pins" "$venv/.pins"; then return; fi
  say "creating /opt/kuma-venv in the root filesystem (the host's pip, the target's wheels)"
  rm -rf "$venv"
  in_root python3 -m venv --without-pip /opt/kuma-venv
  # shellcheck disable=SC2046
  .venv/bin/pip install -q --no-deps --no-index --find-links "$cache/wheels-$tag" --find-links "$cache/wheels-built-$tag" \
    --only-binary=:all: $(platform_options) --target "$venv/lib/python3.11/site-packages" -r "$pins"
  cp "$pins" "$venv/.pins"
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

prune_caches() {  # keep the newest three input hashes; skip any another build holds
  local old
  find "$base" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- \
    | while read -r old; do
        [ "$old" = "$cache" ] && continue
        (flock -n 7 || exit 0; rm -rf "$old") 7>"$old/.lock"
      done
}

need_root
host_tools
mkdir -p "$cache"
touch "$cache"
exec 8>"$cache/.lock" 9>"$cache/.lock-$debarch"
flock -s 8  # held while building: prune_caches leaves this folder alone
flock 9     # one build per architecture and cache at a time (aarch64 and armv7 can build side by side)
pins="$(mktemp)"
trap 'rm -f "$pins"' EXIT
.venv/bin/python scripts/lib/build_requirements.py pyproject.toml >"$pins"
fetch_wheels "$pins"
make_root
compile_sdists
make_venv "$pins"
copy_sources
run_pyinstaller
prune_caches
# here it runs under qemu-user, with the target's libc from the root filesystem (on a Pi: the system's own)
say "built $distpath/kuma-linux-$arch: $(QEMU_LD_PREFIX="$root" "$distpath/kuma-linux-$arch" --version)"
