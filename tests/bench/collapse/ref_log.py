#!/usr/bin/env python3
"""The PyTorch reference run (../shared/peers/pytorch/ref_train.py: same networks, data, batch and
Adam), logging what `gan-train --log-csv` logs, so the two runs can be read side by side:

  ref_log.py --data DIR --steps 3000 --out DIR [--seed 0] [--threads 1] [--log-every 10] [--width 64]

--width other than 64 builds the same networks narrower (as gan-train --width does).

Writes DIR/log.csv (step, losses, D(x), D(G(z)), gradient norms, batch-norm statistics) and
DIR/grid-<step>.png every --every steps (fixed z, batch statistics, as ref_train.py).
"""
import argparse, csv, os, pathlib, sys, time
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch
from torch import nn
import importlib.util

def load_ref():
    for cand in [pathlib.Path(__file__).resolve().parents[3].parent / "shared/peers/pytorch/dcgan32.py",
                 pathlib.Path(os.environ.get("PEERS", "../shared/peers")) / "pytorch/dcgan32.py"]:
        if cand.exists():
            spec = importlib.util.spec_from_file_location("dcgan32", cand)
            mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
            return mod
    sys.exit("dcgan32.py not found: set PEERS to the peers folder")

ref = load_ref()

def networks(width):
    """The reference's G and D (dcgan32.py) at another width: the same layers, narrower."""
    if width == 64:
        return ref.generator(), ref.discriminator()
    nz, w = ref.NZ, width

    def up(i, o, s, p):
        return [nn.ConvTranspose2d(i, o, 4, s, p, bias=False), nn.BatchNorm2d(o), nn.ReLU(True)]

    def down(i, o, bn):
        return [nn.Conv2d(i, o, 4, 2, 1, bias=False), *([nn.BatchNorm2d(o)] if bn else []),
                nn.LeakyReLU(0.2, True)]

    g = nn.Sequential(*up(nz, w * 4, 1, 0), *up(w * 4, w * 2, 2, 1), *up(w * 2, w, 2, 1),
                      nn.ConvTranspose2d(w, 3, 4, 2, 1, bias=False), nn.Tanh())
    d = nn.Sequential(*down(3, w, False), *down(w, w * 2, True), *down(w * 2, w * 4, True),
                      nn.Conv2d(w * 4, 1, 4, 1, 0, bias=False), nn.Flatten(0))
    return g, d


def grad_norm(net):
    return torch.sqrt(sum((p.grad.double() ** 2).sum() for p in net.parameters() if p.grad is not None)).item()

def bn_stats(net):
    """Per batch-norm layer: mean running variance and mean |running mean| (momentum 0.1, so
    they follow the last ~10 batches' statistics)."""
    out = []
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            out += [m.running_var.mean().item(), m.running_mean.abs().mean().item()]
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=3000); ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--every", type=int, default=250); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1); ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--width", type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    out = pathlib.Path(a.out); out.mkdir(parents=True, exist_ok=True)
    data = ref.load_images(a.data)
    g, d = networks(a.width)
    g.apply(ref.init_weights); d.apply(ref.init_weights)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(a.batch), torch.zeros(a.batch)
    zfix = torch.randn(64, ref.NZ, 1, 1, generator=torch.Generator().manual_seed(1))
    names = [f"{n}{i}_{s}" for n, net in (("g_bn", g), ("d_bn", d))
             for i, _ in enumerate(m for m in net.modules() if isinstance(m, nn.BatchNorm2d)) for s in ("var", "absmean")]
    log_file = open(out / "log.csv", "w", newline="", buffering=1)
    log = csv.writer(log_file)
    log.writerow(["step", "d_loss", "g_loss", "d_real", "d_fake", "g_grad", "d_grad"] + names)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        real = data[torch.randint(len(data), (a.batch,))]
        flip = torch.rand(a.batch) < 0.5
        real = torch.where(flip[:, None, None, None], real.flip(3), real)
        fake = g(torch.randn(a.batch, ref.NZ, 1, 1))
        opt_d.zero_grad(set_to_none=True)
        out_real, out_fake = d(real), d(fake.detach())
        loss_d = bce(out_real, ones) + bce(out_fake, zeros)
        loss_d.backward(); d_grad = grad_norm(d); opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(d(fake), ones)
        loss_g.backward(); g_grad = grad_norm(g); opt_g.step()
        if step % a.log_every == 0:
            log.writerow([step, f"{loss_d.item():.5f}", f"{loss_g.item():.5f}",
                          f"{torch.sigmoid(out_real).mean().item():.4f}", f"{torch.sigmoid(out_fake).mean().item():.4f}",
                          f"{g_grad:.5g}", f"{d_grad:.5g}"] + [f"{v:.5g}" for v in bn_stats(g) + bn_stats(d)])
        if step % a.every == 0 or step == a.steps:
            with torch.no_grad():
                ref.save_grid(g(zfix), str(out / f"grid-{step}.png"))
            print(f"step {step} loss_d={loss_d.item():.3f} loss_g={loss_g.item():.3f} "
                  f"{(time.time()-t0)/step*1e3:.0f} ms/step", flush=True)

if __name__ == "__main__":
    main()
