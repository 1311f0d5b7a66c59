"""Any SPARQL 1.1 store reached over HTTP, as the store behind a build and the server.

`connection` speaks the protocols, `layout` says where a build's graphs and the pointer to the
served build live in the store, `loading` puts a build there and switches to it atomically,
`queries` answers visitors' queries and `reads` the server's own lookups.
"""
