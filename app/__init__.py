"""The AI-lab interview archive: ingest scraped interview pages, search and serve them."""
