#!/bin/bash
# Issue 15 item 4: time Ctrl+C -> prompt on the heavy case (Conv2D(256,3,same) x2, Fashion-MNIST)
# in a real interactive pwsh driven by tmux. Usage: tests/Terminal/Measure-HeavyCtrlC.sh [batch=256] [seconds before Ctrl+C=15]
# Needs ~5 GB free at batch 2048 (it passes -Force past the memory check); not run by CI for that reason.
B=${1:-256}
S=rel2ctrlc
tmux -L $S kill-server 2>/dev/null
tmux -L $S new-session -d -s c -x 160 -y 45 "cd $(cd "$(dirname "$0")/../.." && pwd) && dotnet pwsh -NoProfile"
for i in $(seq 60); do tmux -L $S capture-pane -p -t c | grep -q "^PS " && break; sleep 1; done
sleep 1
tmux -L $S send-keys -t c "Import-Module ./out/ModelCost.PS/ModelCost.PS.psd1; \$h = New-ModelSpec -Name heavy -InputShape 28,28,1 -Layer 'Conv2D(256,3,padding=\"same\")','Conv2D(256,3,padding=\"same\")','Flatten()','Dense(10, activation=\"softmax\")'; 'READY'" Enter
for i in $(seq 90); do tmux -L $S capture-pane -p -t c | grep -q '^READY' && break; sleep 1; done; sleep 1
tmux -L $S send-keys -t c "\$h | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 -BatchSize $B -Force; 'DONE'" Enter
# wait until the first batch is under way (conv forward): 12 s after start, loading takes a few seconds
sleep ${2:-15}
tmux -L $S capture-pane -p -t c | grep -v '^\s*$' | tail -4
t0=$(date +%s.%N)
tmux -L $S send-keys -t c C-c
for i in $(seq 1200); do
  last=$(tmux -L $S capture-pane -p -t c | grep -v '^\s*$' | tail -1)
  if [[ "$last" =~ ^PS\ .*\>\ *$ ]]; then break; fi
  sleep 0.05
done
t1=$(date +%s.%N)
echo "prompt back after $(echo "$t1 - $t0" | bc) s (batch $B)"
tmux -L $S capture-pane -p -t c | grep -v '^\s*$' | tail -5
tmux -L $S kill-server
