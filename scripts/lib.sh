# Shared by the scripts: install what the build needs, find the built binaries.

# Installs the C libraries the package links (SQLite, libcurl) and the tools the test suites
# use (prlimit for the storage faults) when they are missing.
ensure_system_packages() {
  local missing=()
  for package in libsqlite3-dev libcurl4-openssl-dev zlib1g-dev pkg-config systemd openssl gcc python3 util-linux; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]}…" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
