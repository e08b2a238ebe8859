"""Demo data for `buurtbudget demo`: two municipalities, their areas and a log-in for every role."""
