"""OpenBLAS and thread settings, applied before torch (and so OpenBLAS and libgomp) loads.

Two traps, both measured on the bench machine:
- apt leaves ``libblas.so.3`` pointing at the reference BLAS unless an OpenBLAS package is
  installed; PyTorch then runs matmul at a few GFLOP/s. ``blas_info`` reads which library
  the process actually mapped, so the report shows it.
- a machine may set ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` (for another program),
  which pins OpenBLAS's runtime dispatch to a slower kernel. ``configure`` removes both
  and sets the core type from the CPU's flags instead, and records what it replaced.

Everything here must run before ``import torch``: OpenBLAS reads its environment once,
when the library is loaded.
"""
import ctypes
import os

# OpenBLAS kernel families by the x86 features their kernels need, best first.
# (Zen is served by the Haswell kernels; SkylakeX needs AVX-512 F/BW/DQ/VL.)
_CORE_TYPES = (
    ('SkylakeX', {'avx512f', 'avx512bw', 'avx512dq', 'avx512vl'}),
    ('Haswell', {'avx2', 'fma'}),
    ('Sandybridge', {'avx'}),
)


def _cpu_flags():
    """The first processor's flags from /proc/cpuinfo (empty off Linux or off x86)."""
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


def core_type_for(flags):
    """The OpenBLAS core type for these CPU flags, or None to let OpenBLAS detect it."""
    for name, needed in _CORE_TYPES:
        if needed <= flags:
            return name
    return None


def all_cores():
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def configure(threads):
    """Sets the environment for OpenBLAS and OpenMP; returns what it did, for the report."""
    replaced = {k: os.environ.pop(k) for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE') if k in os.environ}
    core = core_type_for(_cpu_flags())
    if core is not None:
        os.environ['OPENBLAS_CORETYPE'] = core
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = str(threads)
    return {'requestedCoreType': core or 'detected by OpenBLAS', 'replacedEnv': replaced}


def blas_info():
    """Which BLAS the process mapped (after torch loaded it) and, for OpenBLAS, its core type."""
    mapped = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1]
            name = os.path.basename(path)
            if 'blas' in name or 'mkl_core' in name or 'blis' in name:
                mapped.add(os.path.realpath(path))
    info = {'libraries': sorted(mapped)}
    try:
        lib = ctypes.CDLL('libopenblas.so.0', mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
    except OSError:
        return info  # not OpenBLAS (or not loaded)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_get_config.restype = ctypes.c_char_p
    info['openblasCore'] = lib.openblas_get_corename().decode()
    info['openblasConfig'] = lib.openblas_get_config().decode()
    info['openblasThreads'] = lib.openblas_get_num_threads()
    return info
