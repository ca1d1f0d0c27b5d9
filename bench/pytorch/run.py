"""PyTorch's side of the bench: runs one job and prints one report line.

    python3 bench/pytorch/run.py '<job JSON>'      # what the bench's runner does
    python3 bench/pytorch/run.py --probe           # versions, BLAS, threads; no workload

The job is bench/src/protocol.ts's PythonJob: the workload, variant and options, the
thread count, and the problem sizes, seeds and iteration plan from bench/src, so every
implementation times the same thing. The last stdout line starting with REPORT_PREFIX is
a ChildReport (bench/src/protocol.ts) as JSON; anything else printed is ignored.
"""
import json
import os
import re
import sys
import time
import traceback

sys.dont_write_bytecode = True  # keeps the source folder clean
import blas_env  # noqa: E402

REPORT_PREFIX = 'TAPESTRY-BENCH-REPORT '


def _threads(job):
    return blas_env.all_cores() if job.get('threads') == 'all' else int(job.get('threads', 1))


def main(argv):
    probe = argv[1:] == ['--probe']
    job = {'threads': 1} if probe else json.loads(argv[1])
    threads = _threads(job)
    launch = blas_env.configure(threads)  # before torch loads OpenBLAS and libgomp
    try:
        import torch
    except ImportError as err:
        return _emit({'outcome': {'status': 'skipped', 'reason': f'torch is not importable: {err}'}, 'runSeconds': 0, 'cpuSeconds': 0})
    torch.set_num_threads(threads)
    if probe:
        torch.matmul(torch.ones(64, 64), torch.ones(64, 64))  # makes sure BLAS is loaded
        return _emit(_probe(torch, launch))
    return _emit(_run(job))


def _probe(torch, launch):
    return {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'cores': blas_env.all_cores(),
        'blas': blas_env.blas_info(),
        'cpuCapability': _cpu_capability(torch),
        **launch,
    }


def _cpu_capability(torch):
    """The vector ISA ATen's own kernels (element-wise ops, gates) were dispatched to."""
    found = re.search(r'CPU capability usage: (\S+)', torch.__config__.show())
    return found.group(1) if found else 'unknown'


def _run(job):
    from workloads import RUNS, NotApplicable
    from timing import BudgetExceeded

    wall, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = {'status': 'ok', 'result': RUNS[job['workload']](job)}
    except (BudgetExceeded, NotApplicable) as err:
        outcome = {'status': 'skipped', 'reason': str(err)}
    except Exception as err:  # noqa: BLE001 — every failure becomes the run's reason
        traceback.print_exc()
        outcome = {'status': 'failed', 'reason': f'{type(err).__name__}: {err}'}
    return {'outcome': outcome, 'runSeconds': time.perf_counter() - wall, 'cpuSeconds': time.process_time() - cpu}


def _emit(report):
    sys.stdout.write(f'{REPORT_PREFIX}{json.dumps(report)}\n')
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
