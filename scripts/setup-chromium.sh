# Sourced by scripts/test.sh: makes sure headless Chromium is there for the report's browser
# test (crates/cli/tests/report_browser.rs), installing Debian's `chromium` package when it is
# missing. When it cannot be installed (no apt-get, no root or sudo, no package), it says why
# and exports STANDPOINT_NO_BROWSER with the reason: the only way that test is skipped.
if [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
  :
else
  _sp_sudo=none
  if [ "$(id -u)" = 0 ]; then
    _sp_sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    _sp_sudo="sudo -n"
  fi
  _sp_log="${TMPDIR:-/tmp}/standpoint-chromium-install.log"
  if [ "$_sp_sudo" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package; log: $_sp_log)"
    export DEBIAN_FRONTEND=noninteractive
    $_sp_sudo apt-get install -y -q chromium >"$_sp_log" 2>&1 \
      || { $_sp_sudo apt-get update -q >>"$_sp_log" 2>&1 \
           && $_sp_sudo apt-get install -y -q chromium >>"$_sp_log" 2>&1; } || true
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$_sp_sudo" = none ]; then
      _sp_why="chromium is not installed and this user cannot install packages (no root, no sudo)"
    elif ! command -v apt-get >/dev/null 2>&1; then
      _sp_why="chromium is not installed and there is no apt-get here"
    else
      _sp_why="apt-get could not install chromium (see $_sp_log)"
    fi
    export STANDPOINT_NO_BROWSER="$_sp_why"
    echo "SKIPPING the report's browser test: $_sp_why"
  fi
  unset _sp_sudo _sp_log _sp_why
fi
