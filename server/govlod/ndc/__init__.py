"""The vocabulary and its code lists as the National Data Catalog (schema.gov.it) harvests them:
`govlod ndc-export` writes a repository layout with the ontology, each code list with its CSV
projection and data package, and the publiccode.yml the catalog asks for."""
