# Shared by the scripts: install what the build and the tests need.

# Installs the Debian packages named that are missing (apt-get update first: a new machine has
# no package lists); with --no-recommends first, without what they recommend (LibreOffice's
# recommendations are a desktop's worth).
install_missing() {
  local options=()
  [ "${1:-}" = --no-recommends ] && { options+=(--no-install-recommends); shift; }
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]}…" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null
}

# The C libraries the package links (SQLite, libcurl) and the tools the test suites use
# (prlimit for the storage faults).
ensure_system_packages() {
  install_missing libsqlite3-dev libcurl4-openssl-dev zlib1g-dev pkg-config systemd openssl gcc python3 util-linux
}

# LibreOffice and poppler, which the report tests open .docx and .xlsx files with as a clerk
# would (converted to PDF and CSV, the PDF read back as text), with the metric-compatible
# stand-in for Times New Roman: Liberation 2, since Liberation 1 has no Vietnamese letters
# (ơ, ư, ệ), which LibreOffice then takes from any other font the machine has.
ensure_document_tools() {
  install_missing --no-recommends libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2
}

# promtool (Debian's prometheus package), which checks the shipped alert rules.
ensure_monitoring_tools() {
  install_missing --no-recommends prometheus
}
