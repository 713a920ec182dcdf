"""Step 5 of the method, the tender: bid grid, bids, normalisation, scoring (docs/tender.md).

Pure: typed documents and arrays in, typed documents out. Reading the store and writing files
is the services' (`arbitre.services.tender` and its `tender_*` siblings).
"""
