"""The store seam: what the build and the server ask of the store that holds the data.

`interface` says what that is; the embedded Oxigraph store (`embedded`, with the query processes
of `govlod.sparql.executor`) and any SPARQL 1.1 store reached over HTTP (`remote`) provide it.
"""
