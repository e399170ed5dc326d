# The PyTorch twin of bench/functional.ts's network (issue 22): 6 numbers -> Linear(64) -> BatchNorm1d
# -> ReLU; two categorical columns of 50 values -> Embedding(51, 8) each -> flatten; concatenate ->
# Linear(64) -> ReLU -> Dropout(0.2) -> Linear(3) (softmax in the loss); Adam, batch 256.
# Usage: /usr/bin/python3 functional_torch.py ROWS EPOCHS  ->  one JSON line.
import json, os, sys, time
import numpy as np
import torch

n, epochs = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
num = rng.uniform(-1, 1, (n, 6)).astype(np.float32)
cats = rng.integers(0, 50, (n, 2))
score = num[:, 0] + num[:, 1] * 0.5 + (cats[:, 0] % 7) / 7.0 - (cats[:, 1] % 5) / 5.0
y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])).astype(np.int64)
train = int(n * 0.9)  # the API job keeps 10% for its test


class Twin(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = torch.nn.Linear(6, 64)
        self.bn = torch.nn.BatchNorm1d(64, eps=1e-3, momentum=0.01)  # Keras's epsilon and momentum 0.99
        self.e1 = torch.nn.Embedding(51, 8)
        self.e2 = torch.nn.Embedding(51, 8)
        self.hidden = torch.nn.Linear(64 + 16, 64)
        self.drop = torch.nn.Dropout(0.2)
        self.out = torch.nn.Linear(64, 3)

    def forward(self, x, c):
        h = torch.relu(self.bn(self.dense(x)))
        z = torch.cat([h, self.e1(c[:, 0]), self.e2(c[:, 1])], dim=1)
        return self.out(self.drop(torch.relu(self.hidden(z))))


X, C, Y = torch.from_numpy(num[:train]), torch.from_numpy(cats[:train]), torch.from_numpy(y[:train])
lossf = torch.nn.CrossEntropyLoss()


def measure(threads):
    """Samples/s of the training loop with this many threads, and the test accuracy."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = Twin()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)

    def epoch():
        net.train()
        perm = torch.randperm(train)
        for i in range(0, train, 256):
            idx = perm[i:i + 256]
            opt.zero_grad()
            loss = lossf(net(X[idx], C[idx]), Y[idx])
            loss.backward()
            opt.step()

    epoch()  # warm-up (not timed)
    t = time.perf_counter()
    for _ in range(epochs):
        epoch()
    seconds = time.perf_counter() - t
    net.eval()
    with torch.no_grad():
        acc = (net(torch.from_numpy(num[train:]), torch.from_numpy(cats[train:])).argmax(1) == torch.from_numpy(y[train:])).float().mean().item()
    return {"threads": threads, "seconds": seconds, "samplesPerSecond": round(train * epochs / seconds), "testAccuracy": round(acc, 4)}


# One thread and every core (our worker's OpenBLAS takes every core; on 2 cores torch is fastest on one): the better counts.
runs = [measure(t) for t in sorted({1, os.cpu_count() or 1})]
best = max(runs, key=lambda r: r["samplesPerSecond"])
print(json.dumps({"torch": torch.__version__, "rows": train, "epochs": epochs, **best, "runs": runs}))
