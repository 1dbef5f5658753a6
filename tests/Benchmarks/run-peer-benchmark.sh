#!/usr/bin/env bash
# The speed table of issue 17: our engine vs PyTorch at its best configuration (and libtorch 2.10 once the
# Torch engine is installed), alternating, one table; then SGEMM vs OpenBLAS on one core at every model shape.
# Options: --rounds N --threads N --epochs N --only mlp,cnn,resnet18,sgemm --spin (PyTorch without passive waiting)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dotnet build "$root/tests/Benchmarks/ModelCost.Benchmarks.csproj" -c Release -nologo -v quiet >/dev/null
exec dotnet "$root/tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll" peer "$@"
