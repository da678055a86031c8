#!/usr/bin/env python3
"""Compare benchmark logs of interleaved boots of two kernels.

Each log holds lines "bench WORKLOAD VALUE UNIT" (lower is better). For
every workload the ratio ours/reference is taken within each pair of
boots; the report gives per workload the medians of both kernels and
the median ratio with its spread, then per group (the workload name up
to its first "/") the median ratio over workloads and pairs with its
10th-90th percentile range.
"""
import collections
import re
import statistics
import sys

LINE = re.compile(r'^bench (\S+) ([0-9.eE+-]+) (\S+)\s*$')


def read(path):
    values = {}
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line.strip())
            if m:
                values[m.group(1)] = (float(m.group(2)), m.group(3))
    return values


def quantile(xs, q):
    xs = sorted(xs)
    i = q * (len(xs) - 1)
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def main(folder, pairs):
    runs = [(read(f'{folder}/{i}-reference.log'), read(f'{folder}/{i}-ours.log'))
            for i in range(1, pairs + 1)]
    names = [n for n in runs[0][0] if all(n in r and n in o for r, o in runs)]
    missing = sorted(set().union(*(set(r) ^ set(o) for r, o in runs)))
    groups = collections.defaultdict(list)
    width = max([len(n) for n in names] + [8])
    print(f'{"workload":<{width}} {"unit":>8} {"ours":>12} {"reference":>12}'
          f' {"ratio":>7}  spread')
    for n in names:
        ours = [o[n][0] for _, o in runs]
        ref = [r[n][0] for r, _ in runs]
        ratios = [o / r for o, r in zip(ours, ref) if r > 0]
        if not ratios:
            continue
        groups[n.split('/')[0]].extend(ratios)
        print(f'{n:<{width}} {runs[0][1][n][1]:>8} {statistics.median(ours):>12.4g}'
              f' {statistics.median(ref):>12.4g} {statistics.median(ratios):>7.3f}'
              f'  {min(ratios):.3f}..{max(ratios):.3f}')
    print()
    print(f'{pairs} interleaved pairs of boots; ratio = ours / reference'
          ' (lower is better)')
    for g, ratios in sorted(groups.items()):
        print(f'{g}: median ratio {statistics.median(ratios):.3f}'
              f' (p10 {quantile(ratios, 0.1):.3f}, p90 {quantile(ratios, 0.9):.3f},'
              f' {len(ratios)} ratios)')
    if missing:
        print(f'not on both kernels in every pair: {" ".join(missing)}')
    speedups(runs)


def speedups(runs):
    """Within each boot of one kernel: interpreter time over JIT time.

    A workload "jit_G/N" is the JIT's run of workload "G/N" (the same
    test on the interpreter, same boot); the ratios are taken per
    group G.
    """
    for k, kernel in enumerate(('reference', 'ours')):
        groups = collections.defaultdict(list)
        for run in runs:
            values = run[k]
            for n, (v, _) in values.items():
                if n.startswith('jit_') and n[4:] in values and v > 0:
                    groups[n[4:].split('/')[0]].append(values[n[4:]][0] / v)
        for g, ratios in sorted(groups.items()):
            print(f'{kernel}: {g}: interpreter / JIT per test: median'
                  f' {statistics.median(ratios):.2f}x'
                  f' (p10 {quantile(ratios, 0.1):.2f},'
                  f' p90 {quantile(ratios, 0.9):.2f}, {len(ratios)} ratios)')


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]))
