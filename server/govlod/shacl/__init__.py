"""SHACL validation where the data lies: shapes compiled to SPARQL and run on the Oxigraph store.

`shapes` reads a shapes graph into typed shapes, `compiler` turns each constraint into one SPARQL
query that selects its violations, `engine` runs them on a store, and `reference` runs pySHACL,
the reference engine, for what the compiler cannot express and for differential tests.
"""
