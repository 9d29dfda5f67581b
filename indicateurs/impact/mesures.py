"""What the engine is worth, as measured by ``benchmarks/bench_statistique.py`` (figures copied from its
output, with the date of the run). Shown on the Méthodologie page and in the README; rerun the benchmark
and update this text whenever the engine's rules change."""

MESURES = """(mesures en cours)"""
