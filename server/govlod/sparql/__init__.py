"""The SPARQL 1.1 Protocol, query operation: request parsing, execution and result writing."""
