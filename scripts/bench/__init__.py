"""The benchmark (`make bench` -> BENCHMARKS.md): ours against plain baselines, side by side in one run.

Modules: common (processes, memory, machine, formatting), workers (steps run in fresh processes), encoders
(throughput and agreement), sizes (build, serve, start-up, add at the real corpus / 100k / 1M), build_e2e (whole
builds of real news, files -> index, against the plain build), plain_build (that plain build), engines (local vs
Ray engine on one corpus), report (BENCHMARKS.md), __main__ (the command line).
"""
