# Sourced by the other scripts: installs libtorch and the default encoder on first use (into
# .deps/, ignored by git) and exports LIBTORCH, LIBTORCH_CXX11_ABI and STANDPOINT_ENCODER_DIR.
_standpoint_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$(bash "$_standpoint_root/scripts/setup-libtorch.sh" --print-env)"
# Two OpenMP threads collapse when another process holds a core; passive waiting avoids it.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
