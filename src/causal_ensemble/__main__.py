"""``python -m causal_ensemble`` runs the ``cea`` command line."""

from causal_ensemble.cli import main

main()
