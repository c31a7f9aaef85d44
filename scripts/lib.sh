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

# LibreOffice and poppler, which the report tests open .docx and .xlsx files with as a clerk
# would (converted to PDF and CSV, the PDF read back as text), with the metric-compatible
# stand-in for Times New Roman.
ensure_document_tools() {
  local missing=()
  for package in libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]}…" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
