"""Clinical vignettes and a simulated patient that acts them out against the console."""
