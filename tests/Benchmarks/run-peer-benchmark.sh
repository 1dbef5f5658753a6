#!/usr/bin/env bash
# Our engine vs PyTorch 1.13 (/usr/bin/python3), alternating, one table. Options: --rounds N --threads N --epochs N --only mlp|cnn|sgemm
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dotnet build "$root/tests/Benchmarks/ModelCost.Benchmarks.csproj" -c Release -nologo -v quiet >/dev/null
exec dotnet "$root/tests/Benchmarks/bin/Release/net10.0/ModelCost.Benchmarks.dll" peer "$@"
