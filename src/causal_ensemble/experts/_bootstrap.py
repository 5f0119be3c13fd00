"""Temporary shim for importers not yet switched to ``causal_ensemble.experts``; deleted once they are."""

from causal_ensemble.experts._execution import BootstrapResult, FitRecord, FitStatus, connect, run_panel
from causal_ensemble.experts._resampling import ResamplingScheme, resample_indices, resampling_scheme

__all__ = ["BootstrapResult", "FitRecord", "FitStatus", "ResamplingScheme", "connect", "run_panel"]
__all__ += ["resample_indices", "resampling_scheme"]
