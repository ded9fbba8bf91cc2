"""Two-spirals MLP: a real PyTorch training that finishes in seconds on 2 CPU cores.

Run it with `mvn exp:run install`: exprun (mounted by the plugin at /exp/lib) gives it its params,
logs its metrics series, writes the final metrics and saves a checkpoint that carries its own
provenance (run id, commit, image digest, params). Without the plugin it still runs and writes to
./exprun-out.
"""
import math
import time

import torch
from torch import nn

import exprun

params = exprun.params()
epochs = int(params.get("epochs", 40))
lr = float(params.get("lr", 0.01))
hidden = int(params.get("hidden", 64))
seed = int(params.get("seed", 42))

exprun.seed_everything(seed)
torch.set_num_threads(1)  # a tiny MLP: more threads only contend


def spirals(n, generator):
    """Two interleaved spirals, one per class, with a little noise."""
    t = torch.sqrt(torch.rand(n, generator=generator)) * 3 * math.pi
    arm = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (3 * math.pi)
    noise = 0.02 * torch.randn(n, 2, generator=generator)
    x = torch.cat([arm + noise, -arm - noise])
    y = torch.cat([torch.zeros(n), torch.ones(n)]).long()
    return x, y


g = torch.Generator().manual_seed(seed)
x_train, y_train = spirals(2000, g)
x_val, y_val = spirals(500, g)

model = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = nn.CrossEntropyLoss()

best_acc, best_epoch = -1.0, -1
started = time.time()
for epoch in range(1, epochs + 1):
    model.train()
    order = torch.randperm(len(x_train), generator=g)
    for i in range(0, len(order), 128):
        batch = order[i:i + 128]
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        train_loss = loss_fn(model(x_train), y_train).item()
        val_logits = model(x_val)
        val_loss = loss_fn(val_logits, y_val).item()
        val_acc = (val_logits.argmax(1) == y_val).float().mean().item()
    exprun.log(step=epoch, loss=train_loss, val_loss=val_loss, val_acc=val_acc)
    if val_acc > best_acc:
        best_acc, best_epoch = val_acc, epoch
        # exprun.save writes atomically and puts the run's provenance in a sidecar (best.pt.provenance.json).
        # embed=False keeps it out of the checkpoint itself, so a reproduction saves the same bytes.
        best_path = exprun.save({"model": model.state_dict(), "epoch": epoch, "val_acc": val_acc}, "best.pt", embed=False)
    if epoch % 5 == 0 or epoch == epochs:
        print(f"epoch {epoch:3d}  loss {train_loss:.4f}  val_loss {val_loss:.4f}  val_acc {val_acc:.4f}", flush=True)

# Model metrics only: a wall-clock time is not a result a reproduction should match.
exprun.summary(val_acc=best_acc, val_loss=val_loss, loss=train_loss, best_epoch=best_epoch)
print(f"trained in {time.time() - started:.1f} s")
provenance = exprun.load_provenance(best_path)  # reads it back without unpickling any code
print(f"best val_acc {best_acc:.4f} at epoch {best_epoch}")
print(f"best.pt says: run {provenance['run_id']}, commit {provenance['commit']}, image {provenance['image_digest']}")
