{
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-O2", "-O3"],
    "cflags_cc": ["-std=gnu++17", "-O3", "-fexceptions", "-ffp-contract=fast", "-fno-math-errno"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
  },
  "targets": [
    {
      "target_name": "tapestry_native",
      "sources": [
        "native/addon.cc",
        "native/buffer_pool.cc",
        "native/cpu.cc",
        "native/gemm.cc",
        "native/loop.cc",
        "native/loop_commands.cc",
        "native/loop_partition.cc",
        "native/program.cc",
        "native/thread_pool.cc",
        "native/kernels_generic.cc"
      ],
      "dependencies": ["optimizer_kernels"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "dependencies": ["kernels_avx512", "kernels_avx2"],
          "defines": ["TAPESTRY_X86"]
        }]
      ]
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "sources": ["native/kernels_avx512.cc"],
      "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx2", "-mfma", "-mprefer-vector-width=512"]
    },
    {
      "target_name": "optimizer_kernels",
      "type": "static_library",
      "sources": ["native/optimizer.cc", "native/optimizer_api.cc"],
      "cflags_cc": ["-ffp-contract=off"]
    },
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": ["native/kernels_avx2.cc"],
      "cflags_cc": ["-mavx2", "-mfma"]
    }
  ]
}
