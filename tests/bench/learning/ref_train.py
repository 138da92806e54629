#!/usr/bin/env python3
"""Reference DCGAN-32 trainer for learning-quality comparisons (PyTorch, CPU), same networks
and hyper-parameters as bench/peers/pytorch/dcgan32.py, with optional DiffAugment
(Zhao et al. 2020: colour, translation 1/8, cutout 1/2 on both real and fake inputs of D)
and an exponential moving average of G's weights.

  ref_train.py --data DIR --steps N --out DIR [--diffaug | --ada 0.6] [--ema 0.999] [--batch 64] [--width 64]
Writes DIR/grid-<step>.png (8x8, fixed z, batch statistics) every --every steps.

This project's copy of ../shared/peers/pytorch/ref_train.py (tests/bench/learning/compare.sh
runs it). Changed: --width (the networks' width; 64 is dcgan32.py's), --lr-d (D's learning rate), and with --ema both generators' grids are written, the raw one as grid-<step>.png
and the average as grid-ema-<step>.png, so one run gives both recipes' samples. EMA uses a warm-up
(beta = min(ema, (1+step)/(10+step))) so the initial weights fade fast.

--ada TARGET adds adaptive augmentation (Karras et al. 2020, ADA), written from the paper as
`model::ada` does it, so the two trainers are compared on one algorithm: the DiffAugment changes
above, each applied to each image with probability p (the same p for D's real and fake inputs and
for G's update); r_t = mean sign(D(x)) over the real batches of the last 4 D updates; every 4
updates p += sign(r_t - TARGET) * 4 / --ada-ramp, clamped to [0, --ada-max]. Logs p and r_t.

--epochs serves the images in shuffled epochs, as gan-train does, instead of sampling each batch
with replacement (the reference's way): the benchmark's PEER_EPOCHS=1 compares the two.
"""
import argparse, copy, os, pathlib, time
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
import importlib.util

here = pathlib.Path(__file__).resolve().parent
peer = next(p for p in [here / "dcgan32.py", here.parent / "peers" / "pytorch" / "dcgan32.py",
                        pathlib.Path(os.environ.get("PEERS", "../shared/peers")) / "pytorch" / "dcgan32.py"]
            if p.exists())
spec = importlib.util.spec_from_file_location("dcgan32", peer)
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)


def diffaug(x, p=None):
    """DiffAugment's changes; with p, each change applies to each image with probability p
    (ADA), otherwise to every image (the paper's recipe)."""
    b = x.size(0)
    on = (lambda *shape: (torch.rand(b, *shape) < p).float()) if p is not None else (lambda *shape: torch.ones(b, *shape))
    # colour: brightness, saturation, contrast (inputs in [-1, 1])
    x = x + (torch.rand(b, 1, 1, 1) - 0.5) * on(1, 1, 1)
    m = x.mean(dim=1, keepdim=True)
    k = on(1, 1, 1)
    x = (x - m) * (torch.rand(b, 1, 1, 1) * 2 * k + (1 - k)) + m
    m = x.mean(dim=[1, 2, 3], keepdim=True)
    k = on(1, 1, 1)
    x = (x - m) * ((torch.rand(b, 1, 1, 1) + 0.5) * k + (1 - k)) + m
    # translation by up to 1/8 of the side, zero padded
    s = x.size(2) // 8
    k = on(1, 1).long()
    tx = torch.randint(-s, s + 1, (b, 1, 1)) * k; ty = torch.randint(-s, s + 1, (b, 1, 1)) * k
    gb, gx, gy = torch.meshgrid(torch.arange(b), torch.arange(x.size(2)), torch.arange(x.size(3)), indexing="ij")
    gx = torch.clamp(gx + tx + 1, 0, x.size(2) + 1); gy = torch.clamp(gy + ty + 1, 0, x.size(3) + 1)
    xp = F.pad(x, [1, 1, 1, 1])
    x = xp.permute(0, 2, 3, 1)[gb, gx, gy].permute(0, 3, 1, 2)
    # cutout of half the side
    c = x.size(2) // 2
    ox = torch.randint(0, x.size(2) + (1 - c % 2), (b, 1, 1)); oy = torch.randint(0, x.size(3) + (1 - c % 2), (b, 1, 1))
    gb, gx, gy = torch.meshgrid(torch.arange(b), torch.arange(c), torch.arange(c), indexing="ij")
    gx = torch.clamp(gx + ox - c // 2, 0, x.size(2) - 1); gy = torch.clamp(gy + oy - c // 2, 0, x.size(3) - 1)
    mask = torch.ones(b, x.size(2), x.size(3))
    mask[gb, gx, gy] = 0
    k = on(1, 1)
    return x * (mask * k + (1 - k)).unsqueeze(1)


def generator(w):
    """dcgan32.py's generator with its widths (256, 128, 64) as (4w, 2w, w)."""
    def up(i, o, s, p):
        return [nn.ConvTranspose2d(i, o, 4, s, p, bias=False), nn.BatchNorm2d(o), nn.ReLU(True)]

    return nn.Sequential(*up(ref.NZ, 4 * w, 1, 0), *up(4 * w, 2 * w, 2, 1), *up(2 * w, w, 2, 1),
                         nn.ConvTranspose2d(w, 3, 4, 2, 1, bias=False), nn.Tanh())


def discriminator(w):
    """dcgan32.py's discriminator with its widths (64, 128, 256) as (w, 2w, 4w)."""
    def down(i, o, bn):
        return [nn.Conv2d(i, o, 4, 2, 1, bias=False), *([nn.BatchNorm2d(o)] if bn else []),
                nn.LeakyReLU(0.2, True)]

    return nn.Sequential(*down(3, w, False), *down(w, 2 * w, True), *down(2 * w, 4 * w, True),
                         nn.Conv2d(4 * w, 1, 4, 1, 0, bias=False), nn.Flatten(0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1500); ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--every", type=int, default=500); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--diffaug", action="store_true"); ap.add_argument("--ema", type=float, default=0.0)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--ada", type=float, default=0.0); ap.add_argument("--ada-ramp", type=int, default=2000)
    ap.add_argument("--ada-max", type=float, default=0.8)
    ap.add_argument("--lr-d", type=float, default=2e-4)
    # The reference samples each batch with replacement; gan-train serves shuffled epochs (each
    # image once per pass, a new order each pass, a batch running on into the next pass).
    ap.add_argument("--epochs", action="store_true", help="serve shuffled epochs, as gan-train does")
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    out = pathlib.Path(a.out); out.mkdir(parents=True, exist_ok=True)
    data = ref.load_images(a.data)
    g, d = generator(a.width), discriminator(a.width)
    g.apply(ref.init_weights); d.apply(ref.init_weights)
    g_ema = copy.deepcopy(g) if a.ema else None
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=a.lr_d, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(a.batch), torch.zeros(a.batch)
    ada_p, ada_signs, ada_seen, ada_rt = 0.0, 0.0, 0, 0.0
    if a.ada:
        aug = lambda x: diffaug(x, ada_p)
    else:
        aug = diffaug if a.diffaug else (lambda x: x)
    zfix = torch.randn(64, ref.NZ, 1, 1, generator=torch.Generator().manual_seed(1))
    order, cursor = torch.randperm(len(data)), 0
    def next_indices():
        nonlocal order, cursor
        picked = []
        for _ in range(a.batch):
            if cursor == len(data):
                order, cursor = torch.randperm(len(data)), 0
            picked.append(order[cursor].item()); cursor += 1
        return torch.tensor(picked)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        real = data[next_indices() if a.epochs else torch.randint(len(data), (a.batch,))]
        if torch.rand(()) < 1.0:  # random horizontal flips, as the project does
            flip = torch.rand(a.batch) < 0.5
            real = torch.where(flip[:, None, None, None], real.flip(3), real)
        fake = g(torch.randn(a.batch, ref.NZ, 1, 1))
        opt_d.zero_grad(set_to_none=True)
        d_real = d(aug(real))
        loss_d = bce(d_real, ones) + bce(d(aug(fake.detach())), zeros)
        loss_d.backward(); opt_d.step()
        if a.ada:
            ada_signs += d_real.detach().sign().mean().item(); ada_seen += 1
            if ada_seen == 4:
                ada_rt = ada_signs / ada_seen
                ada_p = min(max(ada_p + float(np.sign(ada_rt - a.ada)) * ada_seen / a.ada_ramp, 0.0), a.ada_max)
                ada_signs, ada_seen = 0.0, 0
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(d(aug(fake)), ones)
        loss_g.backward(); opt_g.step()
        if g_ema is not None:
            beta = min(a.ema, (1 + step) / (10 + step))  # warm-up: early weights fade fast
            with torch.no_grad():
                for pe, p in zip(g_ema.parameters(), g.parameters()):
                    pe.lerp_(p, 1 - beta)
        if step % a.every == 0 or step == a.steps:
            with torch.no_grad():
                g.train()
                ref.save_grid(g(zfix), str(out / f"grid-{step}.png"))
                if g_ema is not None:
                    g_ema.train()
                    ref.save_grid(g_ema(zfix), str(out / f"grid-ema-{step}.png"))
            ada = f" ada_p={ada_p:.3f} ada_rt={ada_rt:.2f}" if a.ada else ""
            print(f"step {step} loss_d={loss_d.item():.3f} loss_g={loss_g.item():.3f}{ada} {(time.time()-t0)/step*1e3:.0f} ms/step", flush=True)


if __name__ == "__main__":
    main()
